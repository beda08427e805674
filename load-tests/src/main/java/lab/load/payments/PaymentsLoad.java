package lab.load.payments;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatling.http.response.Response;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import lab.load.LoadSettings;
import lab.load.Loads;
import lab.load.ServiceLoad;
import lab.load.Targets;
import lab.load.check.HttpAnswers;
import lab.load.check.Json;
import lab.load.check.RunChecks;

/**
 * Payments between the demo accounts ({@code cust_1…cust_1000} → {@code merch_1…merch_10}), each
 * with a fresh Idempotency-Key, plus what real clients do to them: retry the same request
 * ({@code load.payments.retry-share}, 0.1), send a duplicate from another "client" while the first
 * may still be in flight ({@code duplicate-share}, 0.05), reuse a key with other parameters
 * ({@code reuse-share}, 0.02: must be 422), and authorize-then-capture-then-refund
 * ({@code manual-share}, 0.2). Checked: one key never yields two payments ({@link IdempotencyBook});
 * at the end {@code GET /ledger/verify} must report zero anomalies.
 */
public final class PaymentsLoad implements ServiceLoad {

    private static final String KEY = "Idempotency-Key";
    private static final Set<Integer> CREATE_ANSWERS = Set.of(201, 402);
    /** A retry or duplicate may meet the first request still running (409) or its stored answer (201/402 replayed). */
    private static final Set<Integer> REPEAT_ANSWERS = Set.of(200, 201, 402, 409);

    private final RunChecks checks;
    private final IdempotencyBook book;
    private final ConcurrentLinkedDeque<String[]> recentRequests = new ConcurrentLinkedDeque<>();
    private final double retryShare = LoadSettings.number("payments.retry-share", 0.1);
    private final double duplicateShare = LoadSettings.number("payments.duplicate-share", 0.05);
    private final double reuseShare = LoadSettings.number("payments.reuse-share", 0.02);
    private final double manualShare = LoadSettings.number("payments.manual-share", 0.2);
    private final int customers = LoadSettings.integer("payments.customers", 1000);
    private final int merchants = LoadSettings.integer("payments.merchants", 10);

    public PaymentsLoad(RunChecks checks) {
        this.checks = checks;
        this.book = new IdempotencyBook(checks);
    }

    /** The load, then one {@code GET /ledger/verify} once it is over. */
    @Override
    public List<PopulationBuilder> populations(LoadSettings settings, double usersPerSecond, Duration duration) {
        List<String> urls = settings.targets().of(Targets.Service.PAYMENTS);
        HttpProtocolBuilder protocol = Loads.protocol(urls);
        return List.of(Loads.open(build(), usersPerSecond, duration, protocol)
                .andThen(scenario("payments ledger check").exec(verify(urls)).injectOpen(atOnceUsers(1)).protocols(protocol)));
    }

    /** Runs at the end of the simulation: a run whose ledger was never verified has not shown it balances. */
    @Override
    public void judge() {
        if (checks.counter("payments.ledger-verifications") == 0) {
            checks.anomaly("payments.ledger-not-verified", "GET /ledger/verify did not answer 200 at the end of the run");
        }
    }

    ScenarioBuilder build() {
        return scenario("payments").randomSwitch().on(
                percent(100 * duplicateShare).then(duplicate()),
                percent(100 * (1 - duplicateShare)).then(create()));
    }

    private ChainBuilder create() {
        return exec(this::newPayment)
                .exec(HttpAnswers.observe(post("POST /payments", "/payments").check(jmesPath("id").optional().saveAs("paymentId")),
                        checks, "POST /payments", CREATE_ANSWERS, this::answer))
                .exec(session -> {
                    if (Loads.chance(duplicateShare * 2) && recentRequests.size() < 1000) {
                        recentRequests.add(new String[] {session.getString("key"), session.getString("body")});
                    }
                    return session;
                })
                .doIf(s -> Loads.chance(retryShare)).then(exec(HttpAnswers.observe(post("POST /payments (retry)", "/payments"),
                        checks, "POST /payments (retry)", REPEAT_ANSWERS, this::answer)))
                .doIf(s -> Loads.chance(reuseShare)).then(reuse())
                .doIf(s -> s.contains("paymentId") && s.getBoolean("manual")).then(captureAndMaybeRefund());
    }

    private Session newPayment(Session session) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long amount = 100 + random.nextInt(9_900);
        boolean manual = random.nextDouble() < manualShare;
        String body = Json.write(Map.of("amount", amount, "currency", "EUR",
                "customer", "cust_" + (1 + random.nextInt(customers)), "merchant", "merch_" + (1 + random.nextInt(merchants)),
                "capture", manual ? "manual" : "automatic", "description", "load test"));
        return session.set("key", UUID.randomUUID().toString()).set("body", body).set("amount", amount).set("manual", manual);
    }

    /** The same key with another amount: the service must refuse it (422), never run it. */
    private ChainBuilder reuse() {
        return exec(HttpAnswers.observe(http("POST /payments (key reused)").post("/payments").header(KEY, s -> s.getString("key"))
                        .body(StringBody(s -> s.getString("body").replace("\"amount\":" + s.getLong("amount"),
                                "\"amount\":" + (s.getLong("amount") + 1)))),
                checks, "POST /payments (key reused)", Set.of(422, 200, 201, 402), (response, session) -> {
                    if (response.status().code() != 422) {
                        checks.anomaly("payments.key-reuse-accepted", "Idempotency-Key " + session.getString("key")
                                + " reused with another amount answered " + response.status().code());
                    }
                }));
    }

    private ChainBuilder captureAndMaybeRefund() {
        return exec(HttpAnswers.expect(http("POST /payments/{id}/capture").post(s -> "/payments/" + s.getString("paymentId") + "/capture")
                        .header(KEY, s -> UUID.randomUUID().toString())
                        .body(StringBody(s -> "{\"amount\":" + s.getLong("amount") / 2 + "}"))
                        .check(status().saveAs("captureStatus")),
                checks, "POST /payments/{id}/capture", Set.of(200)))
                .doIf(s -> s.contains("captureStatus") && s.getInt("captureStatus") == 200 && Loads.chance(0.5)).then(
                        exec(HttpAnswers.expect(http("POST /payments/{id}/refunds").post(s -> "/payments/" + s.getString("paymentId") + "/refunds")
                                .header(KEY, s -> UUID.randomUUID().toString())
                                .body(StringBody(s -> "{\"amount\":" + s.getLong("amount") / 4 + "}")),
                                checks, "POST /payments/{id}/refunds", Set.of(200))));
    }

    /** Another client sends a recent request again, with its key, possibly while the first is still running. */
    private ChainBuilder duplicate() {
        return exec(session -> {
            String[] recent = recentRequests.pollFirst();
            return recent == null ? session.remove("key") : session.set("key", recent[0]).set("body", recent[1]);
        }).doIf(s -> s.contains("key")).then(exec(HttpAnswers.observe(post("POST /payments (duplicate)", "/payments"),
                checks, "POST /payments (duplicate)", REPEAT_ANSWERS, this::answer)));
    }

    private io.gatling.javaapi.http.HttpRequestActionBuilder post(String name, String path) {
        return http(name).post(path).header(KEY, s -> s.getString("key")).body(StringBody(s -> s.getString("body")));
    }

    private void answer(Response response, Session session) {
        int status = response.status().code();
        if (status == 409) {
            checks.count("payments.in-flight-conflicts");
            return;
        }
        JsonNode body = Json.parse(response.body().string());
        String paymentId = body.hasNonNull("paymentId") ? body.path("paymentId").asText() : body.path("id").asText(null);
        if (paymentId == null) {
            checks.anomaly("payments.answer-without-payment", status + " " + HttpAnswers.abbreviate(response.body().string()));
            return;
        }
        if (status == 402) {
            checks.count("payments.declined");
        }
        book.answered(session.getString("key"), paymentId, "true".equalsIgnoreCase(response.headers().get("Idempotent-Replayed")));
    }

    /** Every node reads the same ledger: ask them in turn until one answers (a drill may have killed some). */
    private ChainBuilder verify(List<String> urls) {
        return foreach(urls, "url").on(doIf(s -> checks.counter("payments.ledger-verifications") == 0).then(
                exec(HttpAnswers.observe(http("GET /ledger/verify").get(s -> s.getString("url") + "/ledger/verify"),
                        checks, "GET /ledger/verify", Set.of(200), (response, session) -> judgeLedger(Json.parse(response.body().string()))))));
    }

    void judgeLedger(JsonNode report) {
        checks.count("payments.ledger-verifications");
        report.path("anomaliesByCheck").properties().forEach(check -> {
            if (check.getValue().asLong() > 0) {
                checks.anomaly("payments.ledger." + check.getKey(), check.getValue().asLong() + " found by /ledger/verify, e.g. "
                        + HttpAnswers.abbreviate(report.path("anomalies").toString()));
            }
        });
        if (!report.path("ok").asBoolean(false) && report.path("anomalyCount").asLong(0) == 0) {
            checks.anomaly("payments.ledger.not-ok", "/ledger/verify answered ok=false: " + HttpAnswers.abbreviate(report.toString()));
        }
        if (!report.path("processorChecked").asBoolean(true)) {
            checks.anomaly("payments.ledger.processor-unchecked", "/ledger/verify could not read the processor ("
                    + report.path("processorError").asText() + "): its checks were skipped, not passed");
        }
    }
}
