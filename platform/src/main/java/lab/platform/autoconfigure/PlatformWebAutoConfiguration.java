package lab.platform.autoconfigure;

import lab.platform.admin.NodeInfoController;
import lab.platform.faults.FaultInjectionFilter;
import lab.platform.faults.FaultMetrics;
import lab.platform.faults.FaultRegistry;
import lab.platform.faults.FaultsController;
import lab.platform.http.RequestBodyLimitFilter;
import lab.platform.identity.NodeIdentity;
import lab.platform.problem.GlobalProblemHandler;
import lab.platform.problem.ProblemErrorController;
import lab.platform.problem.ProblemErrorReportValve;
import lab.platform.problem.ProblemFactory;
import lab.platform.problem.ProblemWriter;
import lab.platform.security.NodeSecurityConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/**
 * The servlet side of the kit: problem+json for every error, the body size limit, the security
 * chain ({@link NodeSecurityConfiguration}: admin token, cluster credential, firewall) and the
 * fault filters. Filters run after the tracing filter (so their problems carry the trace id) and
 * before anything else, in this order: body limit, security ({@code spring.security.filter.order},
 * set by {@link PlatformDefaults}), faults.
 */
@AutoConfiguration(
        after = PlatformAutoConfiguration.class,
        beforeName = {
                "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration",
                // The node's own chain replaces Spring Boot's default one (everything behind a login).
                "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
                "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"},
        afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Import(NodeSecurityConfiguration.class)
public class PlatformWebAutoConfiguration {

    static final int FILTER_ORDER_BASE = Ordered.HIGHEST_PRECEDENCE + 10;

    @Bean
    ProblemWriter problemWriter(ProblemFactory factory, JsonMapper jsonMapper) {
        return new ProblemWriter(factory, jsonMapper);
    }

    @Bean
    GlobalProblemHandler globalProblemHandler(ProblemFactory factory) {
        return new GlobalProblemHandler(factory);
    }

    @Bean
    ProblemErrorController problemErrorController(ProblemFactory factory) {
        return new ProblemErrorController(factory);
    }

    @Bean
    FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(
            @Value("${lab.http.max-body-bytes}") long maxBodyBytes, ProblemWriter problems) {
        var registration = new FilterRegistrationBean<>(new RequestBodyLimitFilter(maxBodyBytes, problems));
        registration.setOrder(FILTER_ORDER_BASE);
        return registration;
    }

    @Bean
    FilterRegistrationBean<FaultInjectionFilter> faultInjectionFilter(FaultRegistry faults, ProblemWriter problems,
                                                                      FaultMetrics metrics) {
        var registration = new FilterRegistrationBean<>(new FaultInjectionFilter(faults, problems, metrics));
        registration.setOrder(FILTER_ORDER_BASE + 2); // after the security chain at FILTER_ORDER_BASE + 1
        return registration;
    }

    @Bean
    FaultsController faultsController(FaultRegistry faults, NodeIdentity identity, JsonMapper jsonMapper) {
        return new FaultsController(faults, identity, jsonMapper);
    }

    @Bean
    NodeInfoController nodeInfoController(NodeIdentity identity) {
        return new NodeInfoController(identity);
    }

    /**
     * Puts the problem valve in place of Tomcat's HTML error page (see {@link ProblemErrorReportValve}),
     * and keeps Tomcat from parsing form-encoded POST bodies into request parameters: whoever calls
     * {@code getParameter} first (a filter, a {@code @RequestParam}) would otherwise consume a body the
     * handler reads as sent. Query parameters are parsed as before.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
    static class TomcatProblemPages {

        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> bodiesAreReadAsSent() {
            return factory -> factory.addConnectorCustomizers(connector -> connector.setParseBodyMethods(""));
        }

        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReportValve(NodeIdentity identity) {
            return factory -> factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.getPipeline().addValve(new ProblemErrorReportValve(identity));
                    // The host adds a valve of this class at start unless one is already in its pipeline.
                    host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                }
            });
        }
    }
}
