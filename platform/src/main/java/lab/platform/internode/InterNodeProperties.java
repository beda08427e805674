package lab.platform.internode;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code lab.internode.*}: retry and connection settings of the inter-node client. */
@ConfigurationProperties("lab.internode")
public record InterNodeProperties(
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("25") long initialBackoffMillis,
        @DefaultValue("2.0") double backoffMultiplier,
        @DefaultValue("0.5") double backoffRandomization,
        @DefaultValue("1000") long connectTimeoutMillis) {

    public RetryPolicy retryPolicy() {
        return new RetryPolicy(maxAttempts, initialBackoffMillis, backoffMultiplier, backoffRandomization);
    }
}
