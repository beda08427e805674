package lab.platform.security;

/** Reads the token of an {@code Authorization: Bearer <token>} header, for the servlet and the reactive chain alike. */
public final class BearerToken {

    private static final String BEARER = "Bearer ";

    private BearerToken() {
    }

    /**
     * The token of a well-formed bearer header (scheme case-insensitive), or null: no header, another
     * scheme or an empty token is no credential at all, so the caller gets the 401 challenge.
     */
    public static String fromHeader(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).strip();
        return token.isEmpty() ? null : token;
    }
}
