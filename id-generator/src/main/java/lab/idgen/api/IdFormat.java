package lab.idgen.api;

import java.math.BigInteger;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import lab.idgen.core.IdLayout;

/**
 * How an ID is written in a response. The 128-bit formats carry the same information as the
 * Snowflake ID (time, worker ID, sequence), so they are unique for the same reason and sort the
 * same way; the remaining bits are random, as RFC 9562 (UUIDv7) and the ULID spec expect.
 * <ul>
 *   <li>{@code snowflake}: the 64-bit ID as a decimal string (a JSON number would lose precision
 *       in JavaScript above 2^53);</li>
 *   <li>{@code uuidv7}: 48-bit Unix milliseconds, version 7, then worker ID and sequence at the
 *       top of the 74 remaining bits;</li>
 *   <li>{@code ulid}: 48-bit Unix milliseconds, then worker ID and sequence at the top of the 80
 *       random bits, in Crockford base 32.</li>
 * </ul>
 */
public enum IdFormat {
    SNOWFLAKE, UUIDV7, ULID;

    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final int UUID_PAYLOAD_BITS = 74;
    private static final int ULID_PAYLOAD_BITS = 80;

    public static IdFormat parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("format must be snowflake, uuidv7 or ulid, got '" + text + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String render(long id, IdLayout layout) {
        return switch (this) {
            case SNOWFLAKE -> Long.toString(id);
            case UUIDV7 -> uuidv7(id, layout).toString();
            case ULID -> ulid(id, layout);
        };
    }

    /** Which format a textual ID is in, by its shape. */
    public static IdFormat detect(String text) {
        if (text.length() == 36 && text.charAt(8) == '-') {
            return UUIDV7;
        }
        if (text.length() == 26) {
            return ULID;
        }
        return SNOWFLAKE;
    }

    /** The Snowflake ID a textual ID of any format stands for. */
    public static long toSnowflake(String text, IdLayout layout) {
        return switch (detect(text)) {
            case SNOWFLAKE -> parseSnowflake(text);
            case UUIDV7 -> fromUuidv7(text, layout);
            case ULID -> fromUlid(text, layout);
        };
    }

    private static long parseSnowflake(String text) {
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("an ID is a decimal number of at most 19 digits, a UUIDv7 or a ULID");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the ID is larger than a 64-bit ID can be");
        }
    }

    private static int nodeBits(IdLayout layout) {
        return layout.workerBits() + layout.sequenceBits();
    }

    private static BigInteger payload(long id, IdLayout layout, int width) {
        int n = nodeBits(layout);
        long node = id & ((1L << n) - 1);
        BigInteger random = new BigInteger(width - n, ThreadLocalRandom.current());
        return BigInteger.valueOf(node).shiftLeft(width - n).or(random);
    }

    static UUID uuidv7(long id, IdLayout layout) {
        long millis = layout.unixMillisOf(id);
        BigInteger payload = payload(id, layout, UUID_PAYLOAD_BITS);
        long randA = payload.shiftRight(62).longValue() & 0xFFF;
        long randB = payload.longValue() & ((1L << 62) - 1);
        long msb = (millis << 16) | (0x7L << 12) | randA;
        long lsb = (0b10L << 62) | randB;
        return new UUID(msb, lsb);
    }

    private static long fromUuidv7(String text, IdLayout layout) {
        UUID uuid;
        try {
            uuid = UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a UUID: " + text);
        }
        if (uuid.version() != 7 || uuid.variant() != 2) {
            throw new IllegalArgumentException("not a version-7 UUID (version " + uuid.version() + ")");
        }
        long millis = uuid.getMostSignificantBits() >>> 16;
        long randA = uuid.getMostSignificantBits() & 0xFFF;
        long randB = uuid.getLeastSignificantBits() & ((1L << 62) - 1);
        BigInteger payload = BigInteger.valueOf(randA).shiftLeft(62).or(BigInteger.valueOf(randB));
        return fromParts(millis, payload, UUID_PAYLOAD_BITS, layout);
    }

    static String ulid(long id, IdLayout layout) {
        long millis = layout.unixMillisOf(id);
        BigInteger value = BigInteger.valueOf(millis).shiftLeft(ULID_PAYLOAD_BITS).or(payload(id, layout, ULID_PAYLOAD_BITS));
        char[] out = new char[26];
        for (int i = 25; i >= 0; i--) {
            out[i] = CROCKFORD.charAt(value.intValue() & 31);
            value = value.shiftRight(5);
        }
        return new String(out);
    }

    private static long fromUlid(String text, IdLayout layout) {
        BigInteger value = BigInteger.ZERO;
        for (char c : text.toUpperCase(Locale.ROOT).toCharArray()) {
            int digit = CROCKFORD.indexOf(c);
            if (digit < 0) {
                throw new IllegalArgumentException("not a ULID: '" + c + "' is not a Crockford base-32 digit");
            }
            value = value.shiftLeft(5).or(BigInteger.valueOf(digit));
        }
        if (value.bitLength() > 128) {
            throw new IllegalArgumentException("not a ULID: more than 128 bits");
        }
        long millis = value.shiftRight(ULID_PAYLOAD_BITS).longValue();
        BigInteger payload = value.and(BigInteger.ONE.shiftLeft(ULID_PAYLOAD_BITS).subtract(BigInteger.ONE));
        return fromParts(millis, payload, ULID_PAYLOAD_BITS, layout);
    }

    private static long fromParts(long millis, BigInteger payload, int width, IdLayout layout) {
        int n = nodeBits(layout);
        long node = payload.shiftRight(width - n).longValue();
        if (!layout.encodable(millis)) {
            throw new IllegalArgumentException("its time is outside this node's ID layout");
        }
        return layout.encode(millis, (int) (node >>> layout.sequenceBits()), node & layout.maxSequence());
    }
}
