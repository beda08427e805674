package lab.platform.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Settings every node shares, added with the lowest precedence so a service's
 * application.yml, the environment or the command line can override each one.
 */
public class PlatformDefaults implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "labPlatformDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        // Identity: NODE_ID names the node (kv-2); without it a process run by hand is "<app>-local".
        defaults.put("lab.node.id", "${NODE_ID:${spring.application.name:node}-local}");
        defaults.put("lab.admin.token", "${ADMIN_TOKEN:}");
        defaults.put("lab.cluster.secret", "${CLUSTER_SECRET:}");
        defaults.put("lab.http.max-body-bytes", "1048576");

        // Spring Security's chain runs right after the body limit filter and before the fault filter
        // (PlatformWebAutoConfiguration.FILTER_ORDER_BASE + 1), so no refused caller costs a held thread.
        defaults.put("spring.security.filter.order", Integer.toString(PlatformWebAutoConfiguration.FILTER_ORDER_BASE + 1));
        // A body is read as sent: Spring's FormContentFilter would parse a form-encoded PUT, PATCH or
        // DELETE body into parameters and leave the handler an empty stream (a kv value stored as "").
        defaults.put("spring.mvc.formcontent.filter.enabled", "false");
        defaults.put("spring.mvc.hiddenmethod.filter.enabled", "false");

        defaults.put("spring.threads.virtual.enabled", "true");
        defaults.put("spring.jackson.deserialization.fail-on-unknown-properties", "true");
        defaults.put("server.shutdown", "graceful");
        defaults.put("spring.lifecycle.timeout-per-shutdown-phase", "10s");
        defaults.put("server.error.include-stacktrace", "never");
        defaults.put("server.error.include-message", "always");

        defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus,metrics");
        defaults.put("management.endpoint.health.probes.enabled", "true");
        defaults.put("management.endpoint.health.show-details", "always");
        // Liveness is the process's own state only: a node that lost ZooKeeper, Redis, Kafka or PostgreSQL
        // is alive (restarting it would not bring the dependency back) and not ready. A group without an
        // include reports every indicator, so both groups name theirs; a service's application.yml adds the
        // dependencies it needs to serve to readiness.
        defaults.put("management.endpoint.health.group.liveness.include", "livenessState");
        defaults.put("management.endpoint.health.group.readiness.include", "readinessState");
        defaults.put("management.endpoint.health.group.readiness.show-details", "always");
        defaults.put("management.endpoint.health.group.liveness.show-details", "always");
        defaults.put("management.metrics.distribution.percentiles-histogram.http.server.requests", "true");
        // Traces are not exported anywhere by default; sampling everything keeps trace ids in every log line.
        defaults.put("management.tracing.sampling.probability", "1.0");
        defaults.put("management.tracing.propagation.type", "w3c");
        // Per-peer breakers: judged on the last 10 s (not on the last 100 calls, which a node
        // gossiping to peers that have not started yet would fill with failures and then keep
        // open for a minute), open for 2 s, then probed again on their own.
        String breaker = "resilience4j.circuitbreaker.configs.internode.";
        defaults.put(breaker + "sliding-window-type", "TIME_BASED");
        defaults.put(breaker + "sliding-window-size", "10");
        defaults.put(breaker + "minimum-number-of-calls", "10");
        defaults.put(breaker + "failure-rate-threshold", "50");
        defaults.put(breaker + "wait-duration-in-open-state", "2s");
        defaults.put(breaker + "permitted-number-of-calls-in-half-open-state", "3");
        defaults.put(breaker + "automatic-transition-from-open-to-half-open-enabled", "true");
        // Exemplars on histogram _count series make Prometheus before 2.43 (Debian's 2.42, which
        // the local cluster runs) reject the whole scrape; traces stay linked through the logs.
        // No user store: the security chain knows only the admin token and the cluster credential, so
        // Spring Boot must not invent a user with a generated password.
        defaults.put("spring.autoconfigure.exclude", String.join(",",
                "org.springframework.boot.micrometer.tracing.autoconfigure.prometheus.PrometheusExemplarsAutoConfiguration",
                "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
                "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration"));

        // Text logs name the node on every line; containers switch to ECS JSON with LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs.
        defaults.put("logging.pattern.level", "%5p [${lab.node.id}]");
        defaults.put("logging.structured.ecs.service.name", "${spring.application.name:node}");
        defaults.put("logging.structured.ecs.service.node-name", "${lab.node.id}");
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }
}
