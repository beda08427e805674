package lab.platform.autoconfigure;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import lab.platform.admin.AdminToken;
import lab.platform.faults.FaultExtension;
import lab.platform.faults.FaultMetrics;
import lab.platform.faults.FaultRegistry;
import lab.platform.identity.IdentityConfiguration;
import lab.platform.identity.NodeIdentity;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.InterNodeProperties;
import lab.platform.internode.MicrometerTracePropagation;
import lab.platform.internode.TracePropagation;
import lab.platform.lifecycle.ParentProcessWatchdog;
import lab.platform.problem.ProblemFactory;
import lab.platform.security.ClusterCredential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The parts of the kit that do not depend on the web stack: identity, faults, inter-node client. */
@AutoConfiguration(afterName = {
        "io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration"})
@Import(IdentityConfiguration.class)
@EnableConfigurationProperties(InterNodeProperties.class)
public class PlatformAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PlatformAutoConfiguration.class);

    @Bean
    ProblemFactory problemFactory(NodeIdentity identity) {
        return new ProblemFactory(identity);
    }

    @Bean
    FaultRegistry faultRegistry(NodeIdentity identity, ObjectProvider<FaultExtension<?>> extensions) {
        return new FaultRegistry(identity, RandomGenerator.getDefault(), extensions.orderedStream().toList());
    }

    @Bean
    FaultMetrics faultMetrics(MeterRegistry registry, FaultRegistry faults) {
        return new FaultMetrics(registry, faults);
    }

    @Bean
    @ConditionalOnMissingBean
    CircuitBreakerRegistry circuitBreakerRegistry() {
        return CircuitBreakerRegistry.ofDefaults();
    }

    /** W3C trace context on every hop: HTTP between nodes, and Kafka records (outbox, message queue). */
    @Bean
    @ConditionalOnMissingBean
    TracePropagation tracePropagation(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        Tracer t = tracer.getIfAvailable();
        Propagator p = propagator.getIfAvailable();
        return t != null && p != null ? new MicrometerTracePropagation(t, p) : TracePropagation.NONE;
    }

    /** The operator's bearer token for the admin API and the actuator (ADMIN_TOKEN). */
    @Bean
    AdminToken adminToken(@Value("${lab.admin.token}") String configured, NodeIdentity identity) {
        AdminToken token = AdminToken.configuredOrGenerated(configured);
        if (token.generated()) {
            log.warn("ADMIN_TOKEN is not set; node {} generated this admin token for its lifetime: {}",
                    identity.nodeId(), token.reveal());
        }
        return token;
    }

    /** The secret this node sends on, and requires of, every inter-node call (CLUSTER_SECRET). */
    @Bean
    ClusterCredential clusterCredential(@Value("${lab.cluster.secret}") String configured, NodeIdentity identity) {
        ClusterCredential credential = ClusterCredential.configuredOrGenerated(configured);
        if (credential.generated()) {
            log.warn("CLUSTER_SECRET is not set; node {} generated a cluster secret for its lifetime, so no other node "
                    + "can call its /internal API and its own calls to other nodes' /internal API are refused", identity.nodeId());
        }
        return credential;
    }

    @Bean(destroyMethod = "close")
    InterNodeClient interNodeClient(NodeIdentity identity, ClusterCredential credential, FaultRegistry faults, FaultMetrics faultMetrics,
                                    CircuitBreakerRegistry breakers, InterNodeProperties properties, MeterRegistry meters,
                                    TracePropagation tracing) {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(properties.connectTimeoutMillis()))
                .executor(executor)
                .build();
        return new InterNodeClient(identity, credential, http, executor, faults, faultMetrics, breakers, properties.retryPolicy(), meters, tracing);
    }

    @Bean
    @ConditionalOnProperty("lab.parent-pid")
    ParentProcessWatchdog parentProcessWatchdog(@Value("${lab.parent-pid}") long parentPid, ApplicationContext context) {
        return new ParentProcessWatchdog(parentPid, context);
    }
}
