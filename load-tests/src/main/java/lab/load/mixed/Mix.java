package lab.load.mixed;

import java.util.EnumMap;
import java.util.Map;
import lab.load.Targets.Service;

/**
 * The shares of the day-in-the-life scenario, {@code load.mix} as {@code ids:30,ratelimit:20,kv:30,payments:10,messaging:10}
 * (relative weights; a service left out gets none).
 */
record Mix(Map<Service, Double> weights) {

    static final String DEFAULT = "ids:30,ratelimit:20,kv:30,payments:10,messaging:10";

    static Mix parse(String text) {
        Map<Service, Double> weights = new EnumMap<>(Service.class);
        for (String part : text.split(",")) {
            String[] kv = part.trim().split("[:=]");
            if (kv.length != 2) {
                throw new IllegalArgumentException("load.mix: '" + part + "' is not SERVICE:WEIGHT (e.g. " + DEFAULT + ")");
            }
            Service service = Service.byKey(kv[0].trim()).orElseThrow(() -> new IllegalArgumentException(
                    "load.mix: unknown service '" + kv[0] + "' (ids, ratelimit, kv, payments, messaging)"));
            double weight = Double.parseDouble(kv[1].trim());
            if (weight < 0) {
                throw new IllegalArgumentException("load.mix: negative weight for " + kv[0]);
            }
            weights.put(service, weight);
        }
        return new Mix(weights);
    }

    /** Only the services that can be reached, with their shares of the rate summing to 1. */
    Map<Service, Double> sharesOf(java.util.Set<Service> available) {
        double total = weights.entrySet().stream().filter(e -> available.contains(e.getKey())).mapToDouble(Map.Entry::getValue).sum();
        Map<Service, Double> shares = new EnumMap<>(Service.class);
        if (total > 0) {
            weights.forEach((service, weight) -> {
                if (available.contains(service) && weight > 0) {
                    shares.put(service, weight / total);
                }
            });
        }
        return shares;
    }
}
