package lab.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.List;

/** What every scenario shares: its HTTP protocol and the open-model injection. */
public final class Loads {

    private Loads() {
    }

    /**
     * Virtual users spread over the base URLs round-robin, one connection pool for all of them
     * (thousands of one-request users a second must not each open a socket), no warm-up call to
     * the internet.
     */
    public static HttpProtocolBuilder protocol(List<String> baseUrls) {
        int apiKeys = Math.max(1, LoadSettings.integer("api-keys", 1));
        String keyPrefix = LoadSettings.text("api-key").orElse("lab-load");
        return http.baseUrls(baseUrls)
                // The gateway charges a request to its X-Api-Key only if the operator issued that key, else
                // to the client's address: by default the whole run is one client, which meets the edge's
                // limits as one client would. Made-up keys (api-keys > 1) all share the address's bucket.
                .header("X-Api-Key", session -> apiKeys == 1 ? keyPrefix : keyPrefix + "-" + session.userId() % apiKeys)
                .wsBaseUrls(baseUrls.stream().map(u -> u.replaceFirst("^http", "ws")).toList())
                .acceptHeader("application/json")
                .contentTypeHeader("application/json")
                .userAgentHeader("lab-load-tests")
                .shareConnections()
                .disableWarmUp()
                .disableCaching();
    }

    /**
     * Open model: a constant arrival rate whatever the latency, so a slow system meets the same
     * demand and shows it as latency and errors instead of hiding behind fewer requests.
     */
    public static PopulationBuilder open(ScenarioBuilder scenario, double usersPerSecond, Duration duration, HttpProtocolBuilder protocol) {
        return scenario.injectOpen(constantUsersPerSec(usersPerSecond).during(duration).randomized()).protocols(protocol);
    }

    /** A uniform share in [0, 1): the scenarios' random mix decisions. */
    public static boolean chance(double share) {
        return java.util.concurrent.ThreadLocalRandom.current().nextDouble() < share;
    }
}
