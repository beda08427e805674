package lab.platform.autoconfigure;

import lab.platform.admin.AdminToken;
import lab.platform.admin.AdminTokenFilter;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/**
 * The servlet side of the kit: problem+json for every error, the body size limit, the admin
 * token and the fault filters. Filters run after the tracing filter (so their problems carry the
 * trace id) and before anything else.
 */
@AutoConfiguration(
        after = PlatformAutoConfiguration.class,
        beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration",
        afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class PlatformWebAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PlatformWebAutoConfiguration.class);
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
    AdminToken adminToken(@Value("${lab.admin.token}") String configured, NodeIdentity identity) {
        AdminToken token = AdminToken.configuredOrGenerated(configured);
        if (token.generated()) {
            log.warn("ADMIN_TOKEN is not set; node {} generated this admin token for its lifetime: {}",
                    identity.nodeId(), token.reveal());
        }
        return token;
    }

    @Bean
    FilterRegistrationBean<AdminTokenFilter> adminTokenFilter(AdminToken token, ProblemWriter problems) {
        var registration = new FilterRegistrationBean<>(new AdminTokenFilter(token, problems));
        registration.setOrder(FILTER_ORDER_BASE + 1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<FaultInjectionFilter> faultInjectionFilter(FaultRegistry faults, ProblemWriter problems,
                                                                      FaultMetrics metrics) {
        var registration = new FilterRegistrationBean<>(new FaultInjectionFilter(faults, problems, metrics));
        registration.setOrder(FILTER_ORDER_BASE + 2);
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

    /** Puts the problem valve in place of Tomcat's HTML error page (see {@link ProblemErrorReportValve}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
    static class TomcatProblemPages {

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
