package lab.mq.publish;

import java.util.List;
import java.util.Locale;

/**
 * Channels the system itself writes into, which the public publish API refuses (403
 * {@code /problems/reserved-channel}): {@code merchant-*}, written only by the payments bridge
 * from {@code payments.events} inside the node. A public caller can therefore neither put a
 * forged payment notification there nor take the idempotency key a later payment event will use
 * (idempotency keys are per channel). Reading and subscribing stay open.
 *
 * <p>The prefixes are compared without regard to case, so {@code Merchant-7} is refused as well:
 * a channel a reader could mistake for a merchant's is not a public one either.
 */
public final class ReservedChannels {

    /** The payments bridge publishes each payment event into {@code merchant-{merchantId}}. */
    public static final String MERCHANT_PREFIX = "merchant-";

    private static final List<String> PREFIXES = List.of(MERCHANT_PREFIX);

    private ReservedChannels() {
    }

    public static boolean isReserved(String channel) {
        String lower = channel.toLowerCase(Locale.ROOT);
        return PREFIXES.stream().anyMatch(lower::startsWith);
    }

    /** Throws 403 {@code reserved-channel} when a public caller names a channel only the system writes into. */
    public static void refusePublicPublish(String channel) {
        if (channel != null && isReserved(channel)) {
            throw PublishProblems.RESERVED_CHANNEL.exception("channel '" + channel + "' is written only by the system (reserved prefixes: "
                    + String.join(", ", PREFIXES) + "); subscribe to it or read its history instead").with("channel", channel);
        }
    }
}
