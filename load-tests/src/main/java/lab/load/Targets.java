package lab.load;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each service's requests go. {@code load.target} (the gateway, or any single entry point)
 * takes every service; otherwise {@code load.urls.<service>} lists the service's nodes, which
 * Gatling spreads its virtual users over round-robin.
 */
public record Targets(Optional<String> gateway, Map<Service, List<String>> nodes) {

    /** The services a scenario can load, named as in {@code load.urls.<name>} and {@code --url name=…}. */
    public enum Service {
        IDS("ids"), RATELIMIT("ratelimit"), KV("kv"), PAYMENTS("payments"), MESSAGING("messaging");

        public final String key;

        Service(String key) {
            this.key = key;
        }

        public static Optional<Service> byKey(String key) {
            for (Service s : values()) {
                if (s.key.equals(key)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
    }

    static Targets fromSystemProperties() {
        Map<Service, List<String>> nodes = new java.util.EnumMap<>(Service.class);
        for (Service s : Service.values()) {
            List<String> urls = LoadSettings.list("urls." + s.key);
            if (!urls.isEmpty()) {
                nodes.put(s, urls.stream().map(Targets::trimSlash).toList());
            }
        }
        return new Targets(LoadSettings.text("target").map(Targets::trimSlash), nodes);
    }

    /** The base URLs of a service: the gateway when one is set, else its nodes; an error naming the property to set. */
    public List<String> of(Service service) {
        if (gateway.isPresent()) {
            return List.of(gateway.get());
        }
        List<String> urls = nodes.get(service);
        if (urls == null || urls.isEmpty()) {
            throw new IllegalStateException("no URL for " + service.key + ": set load.target (the gateway) or load.urls."
                    + service.key + " (its nodes, comma-separated); ./cluster load does this from ./cluster status");
        }
        return urls;
    }

    public boolean has(Service service) {
        return gateway.isPresent() || nodes.containsKey(service);
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
