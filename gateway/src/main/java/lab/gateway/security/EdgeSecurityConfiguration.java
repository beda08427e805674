package lab.gateway.security;

import java.util.Map;
import lab.gateway.problem.ProblemResponses;
import lab.platform.admin.AdminToken;
import lab.platform.problem.CommonProblems;
import lab.platform.problem.ProblemType;
import lab.platform.security.BearerToken;
import lab.platform.security.CredentialAuthentication;
import lab.platform.security.CredentialAuthenticationProvider;
import lab.platform.security.NodeApiPaths;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.ReactiveAuthenticationManagerAdapter;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The gateway's security chain (Spring Security, reactive), with the nodes' rules: its operator
 * surface ({@code /admin/**} and the actuator beyond health and the scrape: the route table, the
 * edge state, the mirrored policies, metrics) needs the admin token; every public route is open
 * (the services behind decide for themselves). Path patterns match the decoded path without path
 * parameters, as the handler mappings do; the strict exchange firewall refuses ambiguous spellings
 * ({@link lab.gateway.routes.RequestGuard} refuses them too, earlier, for every route). Stateless.
 */
@Configuration(proxyBeanMethods = false)
class EdgeSecurityConfiguration {

    static final String ADMIN_CHALLENGE = "Bearer realm=\"admin\"";

    @Bean
    SecurityWebFilterChain edgeSecurityFilterChain(ServerHttpSecurity http, AdminToken adminToken, ProblemResponses problems) {
        ServerWebExchangeMatcher publicActuator = ServerWebExchangeMatchers.pathMatchers(NodeApiPaths.PUBLIC_ACTUATOR.toArray(String[]::new));
        ServerWebExchangeMatcher operatorApi = new AndServerWebExchangeMatcher(
                ServerWebExchangeMatchers.pathMatchers(NodeApiPaths.OPERATOR.toArray(String[]::new)),
                new NegatedServerWebExchangeMatcher(publicActuator));

        AuthenticationWebFilter adminTokenFilter = new AuthenticationWebFilter(new ReactiveAuthenticationManagerAdapter(new ProviderManager(
                new CredentialAuthenticationProvider(CredentialAuthentication.Kind.OPERATOR, adminToken::matches))));
        adminTokenFilter.setRequiresAuthenticationMatcher(operatorApi);
        adminTokenFilter.setServerAuthenticationConverter(exchange -> Mono.justOrEmpty(
                        BearerToken.fromHeader(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION)))
                .map(token -> CredentialAuthentication.presented(CredentialAuthentication.Kind.OPERATOR, token)));
        adminTokenFilter.setAuthenticationFailureHandler((filterExchange, reason) ->
                wrongToken(problems, filterExchange.getExchange()));
        adminTokenFilter.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());

        return http.csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                // Answers keep the cache headers the services set; the other defaults (nosniff, frame DENY) stay.
                .headers(headers -> headers.cache(cache -> cache.disable()))
                .addFilterAt(adminTokenFilter, SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(authorize -> authorize
                        .matchers(publicActuator).permitAll()
                        .matchers(operatorApi).hasAuthority(CredentialAuthentication.Kind.OPERATOR.authority())
                        .anyExchange().permitAll())
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint((exchange, reason) -> {
                            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, ADMIN_CHALLENGE);
                            return write(problems, exchange, CommonProblems.UNAUTHORIZED_TYPE,
                                    "The operator API needs 'Authorization: Bearer <ADMIN_TOKEN>' (./cluster token prints it)");
                        })
                        .accessDeniedHandler((exchange, denied) -> wrongToken(problems, exchange)))
                .build();
    }

    /** The strict exchange firewall's refusals (path parameters, encoded slashes, dot segments...) as 400 problems. */
    @Bean
    ServerExchangeRejectedHandler problemExchangeRejectedHandler(ProblemResponses problems) {
        return (exchange, rejected) -> write(problems, exchange, CommonProblems.REJECTED_REQUEST,
                "The request path or headers are not in normal form (" + rejected.getMessage()
                        + "); send the plain path without path parameters, encoded slashes or dots");
    }

    private static Mono<Void> wrongToken(ProblemResponses problems, ServerWebExchange exchange) {
        return write(problems, exchange, CommonProblems.FORBIDDEN_TYPE, "The admin token is wrong");
    }

    private static Mono<Void> write(ProblemResponses problems, ServerWebExchange exchange, ProblemType type, String detail) {
        return problems.write(exchange, type, detail, null, Map.of());
    }
}
