package lab.load.ratelimit;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.http.response.Response;
import io.gatling.javaapi.core.ScenarioBuilder;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import lab.load.LoadSettings;
import lab.load.OpenScenarioLoad;
import lab.load.Targets;
import lab.load.check.HttpAnswers;
import lab.load.check.Json;
import lab.load.check.RunChecks;

/**
 * Rate-limit decisions on one hot key (share {@code load.ratelimit.hot-share}, 0.5) and on cold keys
 * drawn from {@code load.ratelimit.cold-keys} (10 000), against {@code load.ratelimit.policy}
 * ({@code default}). 200 and 429 are both right answers; the hot key's admissions are checked
 * against the bucket's bound at the end ({@link HotKeyBound}).
 */
public final class RateLimitLoad extends OpenScenarioLoad {

    private final HotKeyBound hot = new HotKeyBound();
    private final String policy = LoadSettings.text("ratelimit.policy").orElse("default");
    private final double hotShare = LoadSettings.number("ratelimit.hot-share", 0.5);
    private final int coldKeys = LoadSettings.integer("ratelimit.cold-keys", 10_000);
    private final String hotKey;
    private final String coldPrefix;

    public RateLimitLoad(RunChecks checks, String runId) {
        super(checks, Targets.Service.RATELIMIT);
        this.hotKey = "load-" + runId + "-hot";
        this.coldPrefix = "load-" + runId + "-cold-";
    }


    /** Runs at the end of the simulation. */
    @Override
    public void judge() {
        hot.judge(checks);
    }

    @Override
    protected ScenarioBuilder build() {
        var hotRequest = HttpAnswers.observe(http("acquire hot key").post("/limits/" + policy + "/" + hotKey + "/acquire"),
                checks, "acquire hot key", Set.of(200, 429), this::hotAnswer);
        var coldRequest = HttpAnswers.observe(
                http("acquire cold key").post(session -> "/limits/" + policy + "/" + coldPrefix
                        + ThreadLocalRandom.current().nextInt(coldKeys) + "/acquire"),
                checks, "acquire cold key", Set.of(200, 429), (response, session) -> decision(response));
        return scenario("ratelimit").randomSwitch().on(
                percent(100 * hotShare).then(exec(hotRequest)),
                percent(100 * (1 - hotShare)).then(exec(coldRequest)));
    }

    private void hotAnswer(Response response, io.gatling.javaapi.core.Session session) {
        String mode = decision(response);
        // Through the gateway the answer carries two sets of RateLimit headers: the edge's policy and ours.
        String policyHeader = response.headers().getAll("RateLimit-Policy").stream()
                .filter(h -> h.startsWith("\"" + policy + "\"")).findFirst().orElse(null);
        hot.answer(response.status().code(), mode, policyHeader, response.startTimestamp(), response.endTimestamp());
    }

    /** The limiter's own mode is in its body (200 and 429 alike); a gateway in front adds its edge decision's headers. */
    private String decision(Response response) {
        String mode = Json.parse(response.body().string()).path("mode").asText("unknown-mode");
        checks.count("ratelimit." + (response.status().code() == 200 ? "allowed" : "denied") + "." + mode);
        return mode;
    }
}
