package lab.gateway.routes;

import lab.gateway.problem.ProblemResponses;
import lab.gateway.ratelimit.EdgeRateLimiter;
import lab.gateway.trace.EdgeAccessLog;
import lab.gateway.trace.EdgeTrace;
import lab.gateway.trace.ForwardedRequestConvention;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RoutesConfiguration {

    @Bean
    RouteLocator edgeRoutes(RouteLocatorBuilder builder, EdgeServices table, EdgeRateLimiter limiter) {
        return RouteTable.build(builder, table, limiter);
    }

    @Bean
    RequestGuard requestGuard(ProblemResponses problems, @Value("${lab.http.max-body-bytes}") long maxBodyBytes) {
        return new RequestGuard(problems, maxBodyBytes);
    }

    @Bean
    ForwardedRequestConvention forwardedRequestConvention() {
        return new ForwardedRequestConvention();
    }

    @Bean
    EdgeTrace edgeTrace() {
        return new EdgeTrace();
    }

    @Bean
    @ConditionalOnProperty(name = "gateway.access-log", havingValue = "true", matchIfMissing = true)
    EdgeAccessLog edgeAccessLog() {
        return new EdgeAccessLog();
    }
}
