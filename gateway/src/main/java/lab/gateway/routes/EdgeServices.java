package lab.gateway.routes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The route table: one entry per service behind the edge. Adding a service is one entry here
 * (its instances, its public paths, the rate-limit policy its requests are charged to); the
 * routes, the load balancer, the breaker and the limits follow from it.
 */
@ConfigurationProperties("gateway")
public record EdgeServices(Map<String, Service> services) {

    private static final Pattern SERVICE_ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public EdgeServices {
        services = services == null ? Map.of() : Map.copyOf(services);
        services.forEach((id, service) -> {
            if (!SERVICE_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("gateway.services key '" + id + "' must be a service name like kv-store");
            }
            for (String path : service.paths()) {
                if (path.startsWith("/admin") || path.startsWith("/internal")) {
                    throw new IllegalArgumentException("gateway.services." + id + " routes " + path
                            + ": /admin/** and /internal/** are never routed by the gateway");
                }
            }
        });
    }

    /**
     * @param instances     {@code name=url,...} (or bare URLs) of the service's nodes; empty = no live instance
     * @param paths         public path patterns, for example {@code /kv/**}
     * @param policy        the rate-limiter policy every request of this service is charged to
     * @param timeout       the longest a request may take at the edge, retry included (not for streams)
     * @param attemptTimeout the longest one attempt may wait for the upstream's answer; leaves room for a retry
     * @param streaming     true when WebSocket upgrades and SSE streams are served under these paths:
     *                      those requests get no timeout and no breaker (a stream is long by design)
     */
    public record Service(@DefaultValue("") String instances, List<String> paths, String policy,
                          @DefaultValue("5s") Duration timeout, Duration attemptTimeout,
                          @DefaultValue("false") boolean streaming) {

        public Service {
            Objects.requireNonNull(paths, "paths");
            Objects.requireNonNull(policy, "policy");
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("a service needs at least one public path");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            attemptTimeout = attemptTimeout != null ? attemptTimeout : timeout.dividedBy(2);
            if (attemptTimeout.compareTo(timeout) > 0) {
                throw new IllegalArgumentException("attempt-timeout " + attemptTimeout + " exceeds the timeout " + timeout);
            }
        }

        public List<StaticInstance> staticInstances(String serviceId) {
            return StaticInstance.parseList(serviceId, instances);
        }
    }
}
