package lab.gateway.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import lab.gateway.problem.ProblemResponses;
import lab.gateway.routes.EdgeServices;
import lab.platform.security.ClusterCredential;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

    @Bean
    LimiterNodes limiterNodes(RateLimitSettings settings, EdgeServices table,
                              ReactiveLoadBalancer.Factory<ServiceInstance> balancers, WebClient.Builder http) {
        if (!table.services().containsKey(settings.service())) {
            throw new IllegalStateException("gateway.rate-limit.service '" + settings.service()
                    + "' is not in gateway.services: the edge would have no limiter to ask");
        }
        table.services().forEach((id, service) -> {
            if (!service.streaming() && settings.timeout().compareTo(service.timeout()) >= 0) {
                throw new IllegalStateException("gateway.rate-limit.timeout " + settings.timeout()
                        + " must be shorter than the timeout of " + id + " (" + service.timeout() + ")");
            }
        });
        return new LimiterNodes(settings.service(), balancers, http.build());
    }

    @Bean
    PolicyMirror policyMirror(LimiterNodes limiter, JsonMapper json, @Value("${lab.admin.token}") String adminToken,
                              RateLimitSettings settings, MeterRegistry meters) {
        return new PolicyMirror(limiter, json, adminToken, settings.policyRefresh(), settings.timeout().multipliedBy(3), meters);
    }

    @Bean
    MirroredPoliciesEndpoint mirroredPoliciesEndpoint(PolicyMirror mirror) {
        return new MirroredPoliciesEndpoint(mirror);
    }

    @Bean
    ClusterSecretHeader clusterSecretHeader(ClusterCredential credential) {
        return new ClusterSecretHeader(credential);
    }

    @Bean
    IssuedKeys issuedKeys(LimiterNodes limiter, ClusterSecretHeader secret, JsonMapper json, RateLimitSettings settings,
                          MeterRegistry meters) {
        return new IssuedKeys(limiter, secret, json, settings.policyRefresh(), settings.timeout().multipliedBy(3), meters);
    }

    @Bean
    ApiKeysController apiKeysController(LimiterNodes limiter, ClusterSecretHeader secret, IssuedKeys issued,
                                        RateLimitSettings settings) {
        return new ApiKeysController(limiter, secret, issued, settings.timeout().multipliedBy(3));
    }

    @Bean
    EdgeRateLimiter edgeRateLimiter(LimiterNodes limiter, ClusterSecretHeader secret, IssuedKeys issued, PolicyMirror mirror,
                                    ProblemResponses problems, RateLimitSettings settings, MeterRegistry meters) {
        EdgeClients clients = new EdgeClients(ClientAddresses.trusting(settings.trustedProxies()), issued);
        return new EdgeRateLimiter(limiter, clients, secret, mirror, new LocalBuckets(settings.localMaxKeys(), System::nanoTime),
                problems, settings, meters);
    }
}
