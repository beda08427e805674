package lab.gateway.problem;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import lab.platform.problem.ProblemFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class ProblemConfiguration {

    @Bean
    ProblemResponses problemResponses(ProblemFactory factory, JsonMapper json) {
        return new ProblemResponses(factory, json);
    }

    @Bean
    EdgeErrorHandler edgeErrorHandler(ProblemResponses problems, CircuitBreakerRegistry breakers) {
        long openMillis = breakers.getDefaultConfig().getWaitIntervalFunctionInOpenState().apply(1);
        return new EdgeErrorHandler(problems, Duration.ofMillis(openMillis));
    }
}
