package lab.platform.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The operator's bearer token for {@code /admin/**}, compared in constant time. */
public final class AdminToken {

    private final byte[] token;
    private final boolean generated;

    private AdminToken(String token, boolean generated) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.generated = generated;
    }

    /** Uses the configured token, or invents a random one when none is configured. */
    public static AdminToken configuredOrGenerated(String configured) {
        if (configured != null && !configured.isBlank()) {
            if (configured.strip().length() < 16) {
                throw new IllegalArgumentException("ADMIN_TOKEN must be at least 16 characters long");
            }
            return new AdminToken(configured.strip(), false);
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return new AdminToken(HexFormat.of().formatHex(random), true);
    }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    public boolean generated() {
        return generated;
    }

    /** Only for the start-up log line when the token was generated: the operator needs it once. */
    public String reveal() {
        return new String(token, StandardCharsets.UTF_8);
    }
}
