package lab.payments.ledger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.payments.idempotency.IdempotencyKeys;
import lab.payments.idempotency.IdempotencyProblems;
import lab.payments.idempotency.IdempotentAnswers;
import lab.payments.idempotency.KeyClaim;
import lab.payments.idempotency.StoredResponse;
import lab.platform.ids.IdSource;
import lab.platform.problem.CommonProblems;
import lab.platform.problem.ProblemType;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /accounts}, {@code GET /accounts/{id}} (balance) and {@code GET /accounts/{id}/entries}. */
@RestController
class AccountsController {

    static final ProblemType ACCOUNT_NOT_FOUND = new ProblemType("account-not-found", HttpStatus.NOT_FOUND, "Account not found");
    static final ProblemType ACCOUNT_EXISTS = new ProblemType("account-exists", HttpStatus.CONFLICT, "Account already exists");

    record CreateBody(String id, String type, String currency) {
    }

    private final TransactionTemplate tx;
    private final IdempotencyKeys keys;
    private final LedgerStore ledger;
    private final IdSource ids;
    private final JsonMapper json;

    AccountsController(TransactionTemplate tx, IdempotencyKeys keys, LedgerStore ledger, IdSource ids, JsonMapper json) {
        this.tx = tx;
        this.keys = keys;
        this.ledger = ledger;
        this.ids = ids;
        this.json = json;
    }

    @PostMapping("/accounts")
    ResponseEntity<String> create(@RequestHeader(value = IdempotentAnswers.KEY_HEADER, required = false) String key,
                                  @RequestBody CreateBody body) {
        IdempotencyProblems.requireValidKey(key);
        if (!"customer".equals(body.type()) && !"merchant".equals(body.type())) {
            throw CommonProblems.INVALID_FIELD.exception("type must be 'customer' or 'merchant', got " + body.type()).with("field", "type");
        }
        if (!Currencies.isSupported(body.currency())) {
            throw CommonProblems.INVALID_FIELD.exception("currency must be one of " + new java.util.TreeSet<>(Currencies.SUPPORTED)
                    + ", got " + Currencies.shown(body.currency())).with("field", "currency");
        }
        if (body.id() != null && !AccountIds.isValid(body.id())) {
            throw CommonProblems.INVALID_FIELD.exception("id must be " + AccountIds.rule()).with("field", "id");
        }
        StoredResponse[] answer = new StoredResponse[1];
        boolean replayed = Boolean.TRUE.equals(tx.execute(s -> {
            KeyClaim claim = keys.claim(key, "POST", "/accounts", IdempotencyKeys.fingerprint("POST", "/accounts", body));
            switch (claim) {
                case KeyClaim.Completed done -> {
                    answer[0] = done.response();
                    return true;
                }
                case KeyClaim.InFlight f -> throw IdempotencyProblems.inUse(key);
                case KeyClaim.Mismatch m -> throw IdempotencyProblems.reused(key, m);
                case KeyClaim.Claimed c -> {
                }
            }
            String id = body.id() != null ? body.id() : "acct_" + ids.nextId();
            // Merchants receive every payment's credit: spread their balance over more rows.
            if (!ledger.create(id, body.type(), body.currency(), body.type().equals("merchant") ? 16 : 1)) {
                throw ACCOUNT_EXISTS.exception("account " + id + " already exists").with("account", id);
            }
            answer[0] = new StoredResponse(201, "application/json", json.writeValueAsString(view(ledger.find(id).orElseThrow())));
            keys.complete(key, answer[0]);
            return false;
        }));
        return IdempotentAnswers.toHttp(answer[0], replayed);
    }

    @GetMapping("/accounts/{id}")
    Map<String, Object> get(@PathVariable String id) {
        return view(ledger.find(id).orElseThrow(() -> ACCOUNT_NOT_FOUND.exception("no account " + id)));
    }

    @GetMapping("/accounts/{id}/entries")
    Map<String, Object> entries(@PathVariable String id, @RequestParam(defaultValue = "100") int limit,
                                @RequestParam(defaultValue = "" + Long.MAX_VALUE) long before) {
        ledger.find(id).orElseThrow(() -> ACCOUNT_NOT_FOUND.exception("no account " + id));
        if (limit < 1 || limit > 1000) {
            throw CommonProblems.INVALID_PARAMETER.exception("limit must be 1..1000").with("parameter", "limit");
        }
        List<LedgerStore.Entry> entries = ledger.entries(id, before, limit);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("account", id);
        page.put("entries", entries);
        page.put("nextBefore", entries.size() == limit ? entries.getLast().seq() : null);
        return page;
    }

    private static Map<String, Object> view(Account account) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", account.id());
        view.put("object", "account");
        view.put("type", account.type());
        view.put("currency", account.currency());
        view.put("balance", account.balanceMinor());
        return view;
    }
}
