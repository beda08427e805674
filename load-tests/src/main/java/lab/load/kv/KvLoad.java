package lab.load.kv;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.http.response.Response;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import java.util.Set;
import java.util.UUID;
import lab.load.LoadSettings;
import lab.load.OpenScenarioLoad;
import lab.load.Targets;
import lab.load.check.HttpAnswers;
import lab.load.check.Json;
import lab.load.check.RunChecks;

/**
 * Dynamo-style reads and writes on {@code load.kv.keys} (1 000) keys drawn Zipfian
 * ({@code load.kv.zipf}, theta 0.99), with {@code load.kv.r} / {@code load.kv.w} (2 / 2) and a
 * {@code load.kv.write-share} (0.5, YCSB workload A) of writes. A write is what a careful client
 * does: read, then write back with the context it got, which also resolves siblings it saw.
 * Counted: reads that returned siblings and how many, quorum failures. Checked: a share of
 * read-your-writes probes ({@code load.kv.probe-share}, 0.05) on fresh keys; with R + W > N an
 * acknowledged write that a read does not return is an anomaly.
 */
public final class KvLoad extends OpenScenarioLoad {

    private static final String CONTEXT = "X-Context";

    private final String keyPrefix;
    private final ZipfianKeys keys = new ZipfianKeys(LoadSettings.integer("kv.keys", 1000), LoadSettings.number("kv.zipf", 0.99));
    private final double writeShare = LoadSettings.number("kv.write-share", 0.5);
    private final double probeShare = LoadSettings.number("kv.probe-share", 0.05);
    private final int r = LoadSettings.integer("kv.r", 2);
    private final int w = LoadSettings.integer("kv.w", 2);
    private final int n = LoadSettings.integer("kv.n", 3);
    private final String value = "v".repeat(LoadSettings.integer("kv.value-bytes", 100));

    public KvLoad(RunChecks checks, String runId) {
        super(checks, Targets.Service.KV);
        this.keyPrefix = "load-" + runId + "-";
    }


    /** Runs at the end of the simulation: quorum failures are errors, counted apart for the KV summary line. */
    @Override
    public void judge() {
        long quorumFailures = checks.report().unexpectedAnswers().entrySet().stream()
                .filter(e -> e.getKey().startsWith("kv ") && e.getKey().contains("quorum-not-reached"))
                .mapToLong(java.util.Map.Entry::getValue).sum();
        checks.count("kv.quorum-failures", quorumFailures);
        if (r + w <= n) {
            checks.note("kv read-your-writes not judged: R + W = " + (r + w) + " ≤ N = " + n + " promises no overlap of quorums");
        }
    }

    @Override
    protected ScenarioBuilder build() {
        double readShare = 1 - writeShare - probeShare;
        return scenario("kv").exec(session -> session.set("key", keyPrefix + "k" + keys.next()))
                .randomSwitch().on(
                        percent(100 * readShare).then(read("kv GET")),
                        percent(100 * writeShare).then(exec(read("kv GET before PUT"), write())),
                        percent(100 * probeShare).then(probe()));
    }

    private ChainBuilder read(String name) {
        return exec(HttpAnswers.observe(http(name).get(s -> "/kv/" + s.getString("key") + "?r=" + r)
                        .check(header(CONTEXT).optional().saveAs("context")),
                checks, name, Set.of(200, 300, 404), (response, session) -> countSiblings(response)));
    }

    private ChainBuilder write() {
        var put = http("kv PUT").put(s -> "/kv/" + s.getString("key") + "?w=" + w)
                .header("Content-Type", "text/plain").body(StringBody(value));
        return doIfOrElse(s -> s.contains("context"))
                .then(exec(HttpAnswers.expect(put.header(CONTEXT, s -> s.getString("context")), checks, "kv PUT", Set.of(204))))
                .orElse(exec(HttpAnswers.expect(put, checks, "kv PUT", Set.of(204))));
    }

    /** Write a fresh key once, then read it back: nobody else writes it, so the read must return exactly that value. */
    private ChainBuilder probe() {
        return exec(session -> session.set("probeKey", keyPrefix + "probe-" + UUID.randomUUID()).set("probeValue", UUID.randomUUID().toString()))
                .exec(HttpAnswers.expect(http("kv PUT probe").put(s -> "/kv/" + s.getString("probeKey") + "?w=" + w)
                        .header("Content-Type", "text/plain").body(StringBody(s -> s.getString("probeValue")))
                        .check(status().saveAs("probeStatus")), checks, "kv PUT probe", Set.of(204)))
                .doIf(s -> s.contains("probeStatus") && s.getInt("probeStatus") == 204).then(
                        exec(HttpAnswers.observe(http("kv GET probe").get(s -> "/kv/" + s.getString("probeKey") + "?r=" + r),
                                checks, "kv GET probe", Set.of(200, 300, 404), this::judgeProbe)));
    }

    private void countSiblings(Response response) {
        checks.count("kv.reads");
        if (response.status().code() == 300) {
            int siblings = Json.parse(response.body().string()).path("siblings").size();
            checks.count("kv.reads-with-siblings");
            checks.count("kv.siblings", siblings);
            if (siblings < 2) {
                checks.anomaly("kv.malformed-siblings", "300 Multiple Choices with " + siblings + " sibling(s)");
            }
        }
    }

    private void judgeProbe(Response response, Session session) {
        judgeProbe(response.status().code(), response.body().string(), session.getString("probeKey"), session.getString("probeValue"));
    }

    void judgeProbe(int status, String body, String key, String expected) {
        checks.count("kv.probes");
        if (r + w > n && (status != 200 || !expected.equals(body))) {
            checks.anomaly("kv.lost-acknowledged-write", "PUT " + key + "?w=" + w + " was acknowledged, then GET ?r=" + r
                    + " answered " + status + " " + HttpAnswers.abbreviate(body));
        }
    }
}
