package lab.load.run;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The scenarios of {@code ./cluster load SCENARIO}, their simulations and default rates. */
enum Scenario {
    IDS("ids", "lab.load.ids.IdsSimulation", 100, "ids"),
    RATELIMIT("ratelimit", "lab.load.ratelimit.RateLimitSimulation", 100, "ratelimit"),
    KV("kv", "lab.load.kv.KvSimulation", 50, "kv"),
    PAYMENTS("payments", "lab.load.payments.PaymentsSimulation", 20, "payments"),
    MESSAGING("messaging", "lab.load.messaging.MessagingSimulation", 20, "messaging"),
    MIXED("mixed", "lab.load.mixed.DayInTheLifeSimulation", 50),
    /** The same day-in-the-life simulation, low and steady, for as long as the cluster runs: keeps every dashboard alive. */
    BACKGROUND("background", "lab.load.mixed.DayInTheLifeSimulation", 5);

    final String cliName;
    final String simulationClass;
    final double defaultRatePerSecond;
    /** The services it needs a URL for; the mixed scenarios load whichever services are there. */
    private final List<String> services;

    Scenario(String cliName, String simulationClass, double defaultRatePerSecond, String... services) {
        this.cliName = cliName;
        this.simulationClass = simulationClass;
        this.defaultRatePerSecond = defaultRatePerSecond;
        this.services = List.of(services);
    }

    List<String> services() {
        return services;
    }

    static Optional<Scenario> byName(String name) {
        return Arrays.stream(values()).filter(s -> s.cliName.equals(name)).findFirst();
    }

    static String names() {
        return Arrays.stream(values()).map(s -> s.cliName).collect(Collectors.joining(", "));
    }
}
