package lab.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.authentication.AuthenticationConverter;

/** Reads the cluster secret a calling node sends in {@value ClusterCredential#HEADER}. */
public final class ClusterSecretConverter implements AuthenticationConverter {

    @Override
    public CredentialAuthentication convert(HttpServletRequest request) {
        String secret = request.getHeader(ClusterCredential.HEADER);
        return secret == null ? null : CredentialAuthentication.presented(CredentialAuthentication.Kind.CLUSTER_NODE, secret);
    }
}
