package lab.gateway.ratelimit;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param service           the route-table service whose instances answer {@code /limits/...}
 * @param timeout           the longest the edge waits for a decision (a refused connection is retried once
 *                          on another limiter node within it); must stay well under every route's timeout
 * @param policyRefresh     how often the policies (and their failure modes) are re-read from the limiter
 * @param unknownPolicyMode failure mode for a policy the edge has never seen the limiter hold
 * @param localMaxKeys      in-memory buckets of the local failure mode (least recently used evicted)
 * @param trustedProxies    IP addresses of proxies in front of the gateway whose {@code X-Forwarded-For} is believed;
 *                          empty (the default): the client is always the TCP peer
 */
@ConfigurationProperties("gateway.rate-limit")
public record RateLimitSettings(@DefaultValue("rate-limiter") String service,
                                @DefaultValue("300ms") Duration timeout,
                                @DefaultValue("2s") Duration policyRefresh,
                                @DefaultValue("open") FailureMode unknownPolicyMode,
                                @DefaultValue("100000") long localMaxKeys,
                                @DefaultValue({}) List<String> trustedProxies) {

    public RateLimitSettings {
        if (unknownPolicyMode == FailureMode.LOCAL) {
            throw new IllegalArgumentException("gateway.rate-limit.unknown-policy-mode cannot be local: "
                    + "the edge knows no capacity for a policy it has never seen");
        }
    }
}
