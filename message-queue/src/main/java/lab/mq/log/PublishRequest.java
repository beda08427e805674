package lab.mq.log;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.Objects;
import lab.mq.message.ChannelName;

/**
 * A publish as a node appends it to {@code mq.publish}, keyed by channel, for the sequencer.
 * {@code idempotencyKey} may be null. {@code fingerprint} identifies the content (sender and
 * text) so a reused key with other content is told apart from a retry.
 */
public record PublishRequest(@JsonFormat(shape = JsonFormat.Shape.STRING) long requestId,
                             String channel,
                             String sender,
                             String text,
                             String idempotencyKey,
                             long publishedAtMillis,
                             String node) {

    public PublishRequest {
        ChannelName.require(channel);
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(node, "node");
    }

    /** SHA-256 of sender and text: what a retry must repeat for its idempotency key to match. */
    public String fingerprint() {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update((sender.length() + ":" + sender + "|" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
