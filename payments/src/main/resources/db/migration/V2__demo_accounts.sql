-- System accounts per supported currency and the demo accounts every cluster starts with.
INSERT INTO accounts (id, type, currency, balance_shards)
SELECT kind || '_' || c, kind, c, 32
FROM unnest(ARRAY['EUR', 'USD', 'GBP', 'CHF', 'JPY']) AS c, unnest(ARRAY['clearing', 'fees']) AS kind
ON CONFLICT DO NOTHING;
INSERT INTO accounts (id, type, currency, balance_shards)
SELECT 'cust_' || n, 'customer', 'EUR', 1 FROM generate_series(1, 1000) AS n
ON CONFLICT DO NOTHING;
INSERT INTO accounts (id, type, currency, balance_shards)
SELECT 'merch_' || n, 'merchant', 'EUR', 16 FROM generate_series(1, 10) AS n
ON CONFLICT DO NOTHING;
INSERT INTO account_balances (account_id, shard)
SELECT a.id, s FROM accounts a, generate_series(0, 63) AS s WHERE s < a.balance_shards
ON CONFLICT DO NOTHING;
