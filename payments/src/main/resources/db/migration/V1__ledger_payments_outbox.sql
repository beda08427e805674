-- The payments schema: a double-entry ledger, payments and their processor operations,
-- idempotency keys and the transactional outbox. See docs/payments.md.

-- IDs are handed out in blocks of 1000 from this sequence (Leaf's segment mode): unique across
-- nodes because PostgreSQL hands each block to one node only.
CREATE SEQUENCE id_blocks START WITH 1;

CREATE TABLE accounts (
    id            text PRIMARY KEY,
    type          text NOT NULL CHECK (type IN ('customer', 'merchant', 'clearing', 'fees')),
    currency      char(3) NOT NULL,
    -- How many rows hold this account's balance: 1 for a customer, more for accounts that every
    -- payment touches (fees, clearing, merchants), so concurrent postings do not queue on one row lock.
    balance_shards int NOT NULL CHECK (balance_shards BETWEEN 1 AND 64),
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- The balance of an account is the sum of its shards, always equal to the sum of its entries:
-- shards are updated in the same database transaction as the entries.
CREATE TABLE account_balances (
    account_id    text NOT NULL REFERENCES accounts (id),
    shard         int NOT NULL,
    balance_minor bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, shard)
);

CREATE TABLE ledger_transactions (
    id          text PRIMARY KEY,
    kind        text NOT NULL,
    payment_id  text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_transactions_payment ON ledger_transactions (payment_id);

CREATE TABLE ledger_entries (
    seq            bigserial PRIMARY KEY,
    transaction_id text NOT NULL REFERENCES ledger_transactions (id),
    account_id     text NOT NULL REFERENCES accounts (id),
    currency       char(3) NOT NULL,
    amount_minor   bigint NOT NULL CHECK (amount_minor <> 0),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, seq);
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);

-- Posted history is immutable: a correction is a new transaction, never an edit.
CREATE FUNCTION ledger_history_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger history is immutable: % on % refused', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_history_is_immutable();
CREATE TRIGGER ledger_transactions_immutable BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_history_is_immutable();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_history_is_immutable();

CREATE TABLE payments (
    id              text PRIMARY KEY,
    state           text NOT NULL,
    amount_minor    bigint NOT NULL CHECK (amount_minor > 0),
    currency        char(3) NOT NULL,
    customer_id     text NOT NULL REFERENCES accounts (id),
    merchant_id     text NOT NULL REFERENCES accounts (id),
    capture_mode    text NOT NULL CHECK (capture_mode IN ('automatic', 'manual')),
    description     text,
    captured_minor  bigint NOT NULL DEFAULT 0,
    refunded_minor  bigint NOT NULL DEFAULT 0,
    fee_minor       bigint NOT NULL DEFAULT 0,
    failure_reason  text,
    -- Incremented by every transition; events carry it so consumers can order them.
    version         int NOT NULL DEFAULT 1,
    idempotency_key text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (captured_minor >= 0 AND captured_minor <= amount_minor),
    CHECK (refunded_minor >= 0 AND refunded_minor <= captured_minor)
);

-- A call to the processor, between the pre-call and post-call phases while pending.
CREATE TABLE payment_operations (
    id               text PRIMARY KEY,          -- also the request ID the processor dedupes on
    payment_id       text NOT NULL REFERENCES payments (id),
    kind             text NOT NULL CHECK (kind IN ('authorize', 'capture', 'void', 'refund')),
    amount_minor     bigint NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'succeeded', 'declined', 'failed')),
    reason           text,
    idempotency_key  text NOT NULL,
    -- Whoever holds an unexpired lease drives the operation; recovery takes expired ones, and the
    -- token fences a slow former holder out of the post-call phase.
    lease_expires_at timestamptz NOT NULL,
    lease_token      int NOT NULL DEFAULT 1,
    attempts         int NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
CREATE UNIQUE INDEX payment_operations_one_pending ON payment_operations (payment_id) WHERE status = 'pending';
CREATE INDEX payment_operations_pending_lease ON payment_operations (lease_expires_at) WHERE status = 'pending';

CREATE TABLE idempotency_keys (
    key           text PRIMARY KEY,
    fingerprint   text NOT NULL,               -- sha-256 of method, path and body
    method        text NOT NULL,
    path          text NOT NULL,
    response_code int,                         -- null while the first request is in flight
    response_body text,
    response_type text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE outbox_events (
    seq            bigserial PRIMARY KEY,
    event_id       text NOT NULL UNIQUE,
    payment_id     text,
    transaction_id text UNIQUE,
    type           text NOT NULL,
    from_state     text,
    to_state       text,
    payload        text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    sent_at        timestamptz
);
CREATE INDEX outbox_events_unsent ON outbox_events (seq) WHERE sent_at IS NULL;
CREATE INDEX outbox_events_payment ON outbox_events (payment_id, seq);
