package lab.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.web.authentication.AuthenticationConverter;

/** Reads the operator's {@code Authorization: Bearer <token>} ({@link BearerToken}). */
public final class BearerAdminTokenConverter implements AuthenticationConverter {

    @Override
    public CredentialAuthentication convert(HttpServletRequest request) {
        String token = BearerToken.fromHeader(request.getHeader(HttpHeaders.AUTHORIZATION));
        return token == null ? null : CredentialAuthentication.presented(CredentialAuthentication.Kind.OPERATOR, token);
    }
}
