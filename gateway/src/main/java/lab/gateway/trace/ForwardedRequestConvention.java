package lab.gateway.trace;

import org.springframework.cloud.gateway.filter.headers.observation.DefaultGatewayObservationConvention;

/**
 * Names the gateway's observation of each forwarded request {@code gateway.forwarded.requests}.
 * Under its default name, {@code http.client.requests}, it would clash with the WebClient's meters
 * of the same name (limiter calls, health checks), whose tag keys differ, and Prometheus would drop it.
 */
public class ForwardedRequestConvention extends DefaultGatewayObservationConvention {

    @Override
    public String getName() {
        return "gateway.forwarded.requests";
    }
}
