package lab.platform.identity;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class IdentityConfiguration {

    @Bean
    NodeIdentity nodeIdentity(@Value("${lab.node.id}") String nodeId,
                              @Value("${spring.application.name}") String application) {
        return new NodeIdentity(nodeId, application);
    }

    /** The common tags of DESIGN.md §5: every meter of every node carries its application and node. */
    @Bean
    MeterRegistryCustomizer<MeterRegistry> nodeIdentityTags(NodeIdentity identity) {
        return registry -> registry.config().commonTags("application", identity.application(), "node", identity.nodeId());
    }
}
