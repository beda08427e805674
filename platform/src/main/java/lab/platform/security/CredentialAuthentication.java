package lab.platform.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A credential a caller presented: the operator's admin token or the cluster secret. Unauthenticated
 * as read from the request; {@link #verified()} is the same caller after its provider checked it,
 * holding the one authority the credential grants.
 */
public final class CredentialAuthentication extends AbstractAuthenticationToken {

    /** The kinds of caller a node knows besides the public, and the authority each is granted. */
    public enum Kind {
        OPERATOR("ROLE_OPERATOR"),
        CLUSTER_NODE("ROLE_CLUSTER_NODE");

        private final String authority;

        Kind(String authority) {
            this.authority = authority;
        }

        public String authority() {
            return authority;
        }
    }

    private final Kind kind;
    private final String presented;

    private CredentialAuthentication(Kind kind, String presented, boolean verified) {
        super(verified ? List.of(new SimpleGrantedAuthority(kind.authority())) : List.of());
        this.kind = kind;
        this.presented = presented;
        setAuthenticated(verified);
    }

    /** What the caller sent, not yet checked. */
    public static CredentialAuthentication presented(Kind kind, String credential) {
        return new CredentialAuthentication(kind, credential, false);
    }

    /** The same caller, its credential checked. */
    public CredentialAuthentication verified() {
        return new CredentialAuthentication(kind, null, true);
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public String getCredentials() {
        return presented;
    }

    @Override
    public String getPrincipal() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
