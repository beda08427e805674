package lab.mq.message;

import java.util.regex.Pattern;

/**
 * What a channel may be called: 1 to 64 characters of letters, digits, {@code .}, {@code _} and
 * {@code -}, starting with a letter or digit. Safe in a URL path, a Kafka key, a store key
 * (no NUL, which separates key parts) and a log line.
 */
public final class ChannelName {

    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private ChannelName() {
    }

    public static boolean isValid(String channel) {
        return channel != null && VALID.matcher(channel).matches();
    }

    /** Throws {@link IllegalArgumentException} saying what is wrong. */
    public static String require(String channel) {
        if (!isValid(channel)) {
            throw new IllegalArgumentException("invalid channel name '" + channel + "': use 1 to " + MAX_LENGTH
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return channel;
    }
}
