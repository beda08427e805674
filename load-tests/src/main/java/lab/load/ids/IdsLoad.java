package lab.load.ids;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatling.javaapi.core.ScenarioBuilder;
import java.util.Set;
import lab.load.LoadSettings;
import lab.load.OpenScenarioLoad;
import lab.load.Targets;
import lab.load.check.HttpAnswers;
import lab.load.check.Json;
import lab.load.check.RunChecks;
import lab.load.check.UniqueIds;

/**
 * IDs, single and in batches ({@code load.ids.batch-share}, default 0.2, of {@code load.ids.batch-size}, 100).
 * Checked while loading: every ID of the run goes into one set, so a duplicate among all IDs
 * received from all nodes is an anomaly; a batch must hold as many IDs as asked, strictly increasing.
 */
public final class IdsLoad extends OpenScenarioLoad {

    private final UniqueIds seen = new UniqueIds();
    private final int batchSize = LoadSettings.integer("ids.batch-size", 100);
    private final double batchShare = LoadSettings.number("ids.batch-share", 0.2);

    public IdsLoad(RunChecks checks) {
        super(checks, Targets.Service.IDS);
    }


    @Override
    protected ScenarioBuilder build() {
        return scenario("ids").randomSwitch().on(
                percent(100 * (1 - batchShare)).then(exec(request("POST /ids", 1))),
                percent(100 * batchShare).then(exec(request("POST /ids?count=" + batchSize, batchSize))));
    }

    private io.gatling.javaapi.http.HttpRequestActionBuilder request(String name, int count) {
        return HttpAnswers.observe(http(name).post("/ids?count=" + count), checks, name, Set.of(200),
                (response, session) -> accept(Json.parse(response.body().string()), count));
    }

    /** Checks one answer: its size, its order, and that no ID was ever seen before in this run. */
    void accept(JsonNode answer, int asked) {
        JsonNode ids = answer.path("ids");
        String node = answer.path("node").asText("?");
        if (ids.size() != asked) {
            checks.anomaly("ids.short-batch", node + " answered " + ids.size() + " IDs for count=" + asked);
        }
        long previous = Long.MIN_VALUE;
        for (JsonNode idText : ids) {
            long id = Long.parseLong(idText.asText());
            if (id <= previous) {
                checks.anomaly("ids.unordered-batch", node + " put " + id + " after " + previous + " in one batch");
            }
            previous = id;
            if (!seen.add(id)) {
                checks.anomaly("ids.duplicate", id + " (from " + node + ") was received before in this run");
            }
        }
        checks.count("ids.received", ids.size());
    }
}
