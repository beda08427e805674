package lab.load;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every knob of a run, read from system properties {@code load.*} so that the runner
 * ({@code ./cluster load}), the Gatling Maven plugin ({@code -Dload.rate=…}) and the compose
 * {@code load} service set them the same way. Defaults are sized for a laptop.
 */
public record LoadSettings(double ratePerSecond, Duration duration, Targets targets) {

    public static final String PREFIX = "load.";

    /** From the JVM's system properties (what the runner and the Maven plugin set). */
    public static LoadSettings fromSystemProperties() {
        return new LoadSettings(number("rate", 20), duration("duration", Duration.ofSeconds(60)),
                Targets.fromSystemProperties());
    }

    public static Optional<String> text(String key) {
        String value = System.getProperty(PREFIX + key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public static double number(String key, double fallback) {
        return text(key).map(v -> {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(PREFIX + key + " must be a number, got '" + v + "'");
            }
        }).orElse(fallback);
    }

    public static int integer(String key, int fallback) {
        return (int) number(key, fallback);
    }

    public static Duration duration(String key, Duration fallback) {
        return text(key).map(LoadSettings::parseDuration).orElse(fallback);
    }

    public static List<String> list(String key) {
        return text(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** {@code 60}, {@code 60s}, {@code 2m}, {@code 1h}, {@code 500ms}. */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            char unit = t.charAt(t.length() - 1);
            if (Character.isDigit(unit)) {
                return Duration.ofSeconds(Long.parseLong(t));
            }
            long amount = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (unit) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("unknown unit");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use 60s, 2m, 1h or 500ms");
        }
    }
}
