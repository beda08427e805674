package lab.platform.security;

import jakarta.servlet.DispatcherType;
import java.util.List;
import lab.platform.admin.AdminToken;
import lab.platform.problem.CommonProblems;
import lab.platform.problem.ProblemWriter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The node's one security chain (Spring Security): the operator API ({@code /admin/**} and the
 * actuator beyond health and the scrape) needs the admin token, the internal API the cluster
 * credential, everything else is the public API. Decisions are taken on the path the handler
 * mappings see (decoded, without path parameters); the strict firewall refuses every spelling
 * that could be read two ways. Stateless: no session, no CSRF token, no login page, no user.
 */
@Configuration(proxyBeanMethods = false)
public class NodeSecurityConfiguration {

    static final String ADMIN_CHALLENGE = "Bearer realm=\"admin\"";

    @Bean
    SecurityFilterChain nodeSecurityFilterChain(HttpSecurity http, AdminToken adminToken, ClusterCredential cluster,
                                                ProblemWriter problems) throws Exception {
        RequestMatcher publicActuator = matcher(NodeApiPaths.PUBLIC_ACTUATOR);
        RequestMatcher operatorApi = new AndRequestMatcher(matcher(NodeApiPaths.OPERATOR), new NegatedRequestMatcher(publicActuator));
        RequestMatcher internalApi = matcher(NodeApiPaths.INTERNAL);

        SecurityProblemAnswer noAdminToken = SecurityProblemAnswer.of(problems, CommonProblems.UNAUTHORIZED_TYPE,
                "The operator API needs 'Authorization: Bearer <ADMIN_TOKEN>' (./cluster token prints it)")
                .withChallenge(ADMIN_CHALLENGE);
        SecurityProblemAnswer wrongAdminToken = SecurityProblemAnswer.of(problems, CommonProblems.FORBIDDEN_TYPE, "The admin token is wrong");
        SecurityProblemAnswer noClusterSecret = SecurityProblemAnswer.of(problems, CommonProblems.CLUSTER_CREDENTIAL_REQUIRED,
                "The internal API answers only the nodes of this cluster: send the cluster secret in " + ClusterCredential.HEADER);

        http.csrf(csrf -> csrf.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // Answers keep the cache headers their handlers set; the other defaults (nosniff, frame DENY) stay.
                .headers(headers -> headers.cacheControl(cache -> cache.disable()))
                .addFilterBefore(credentialFilter(operatorApi, new BearerAdminTokenConverter(),
                        new CredentialAuthenticationProvider(CredentialAuthentication.Kind.OPERATOR, adminToken::matches),
                        wrongAdminToken), AnonymousAuthenticationFilter.class)
                .addFilterBefore(credentialFilter(internalApi, new ClusterSecretConverter(),
                        new CredentialAuthenticationProvider(CredentialAuthentication.Kind.CLUSTER_NODE, cluster::matches),
                        noClusterSecret), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(authorize -> authorize
                        // An error page or the rest of an async answer belongs to a request already decided.
                        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
                        .requestMatchers(publicActuator).permitAll()
                        .requestMatchers(operatorApi).hasAuthority(CredentialAuthentication.Kind.OPERATOR.authority())
                        .requestMatchers(internalApi).hasAuthority(CredentialAuthentication.Kind.CLUSTER_NODE.authority())
                        .anyRequest().permitAll())
                .exceptionHandling(exceptions -> exceptions
                        .defaultAuthenticationEntryPointFor(noAdminToken, operatorApi)
                        .defaultAuthenticationEntryPointFor(noClusterSecret, internalApi)
                        .accessDeniedHandler(wrongAdminToken));
        return http.build();
    }

    /** The strict firewall (the default, made explicit) and its refusals as 400 problems. */
    @Bean
    WebSecurityCustomizer nodeFirewall(ProblemWriter problems) {
        return web -> web.httpFirewall(new StrictHttpFirewall()).requestRejectedHandler(new ProblemRequestRejectedHandler(problems));
    }

    private static AuthenticationFilter credentialFilter(RequestMatcher paths, AuthenticationConverter converter,
                                                         CredentialAuthenticationProvider provider, SecurityProblemAnswer wrong) {
        AuthenticationFilter filter = new AuthenticationFilter(new ProviderManager(provider), converter);
        filter.setRequestMatcher(paths);
        filter.setFailureHandler(wrong);
        // A verified caller goes on to the handler; nothing to redirect to.
        filter.setSuccessHandler((request, response, authentication) -> { });
        return filter;
    }

    private static RequestMatcher matcher(List<String> patterns) {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(patterns.stream().map(paths::matcher).map(RequestMatcher.class::cast).toList());
    }
}
