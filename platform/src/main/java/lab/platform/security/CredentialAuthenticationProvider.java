package lab.platform.security;

import java.util.function.Predicate;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

/**
 * Checks one kind of presented credential against the node's own (the admin token, the cluster
 * secret), in constant time through the given check.
 */
public final class CredentialAuthenticationProvider implements AuthenticationProvider {

    private final CredentialAuthentication.Kind kind;
    private final Predicate<String> matches;

    public CredentialAuthenticationProvider(CredentialAuthentication.Kind kind, Predicate<String> matches) {
        this.kind = kind;
        this.matches = matches;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        CredentialAuthentication presented = (CredentialAuthentication) authentication;
        if (presented.kind() != kind) {
            return null;
        }
        if (!matches.test(presented.getCredentials())) {
            throw new BadCredentialsException("wrong " + kind.name().toLowerCase(java.util.Locale.ROOT) + " credential");
        }
        return presented.verified();
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return CredentialAuthentication.class.isAssignableFrom(authentication);
    }
}
