package lab.mq.payments;

import java.util.Optional;
import lab.mq.message.ChannelName;
import lab.mq.publish.ReservedChannels;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A payment event as a message for its merchant: channel {@code merchant-{merchantId}}, the
 * event's JSON as the text, and an idempotency key made from the event ID, so the payments
 * relay's duplicate events (it sends at least once) become one message.
 *
 * <p>Read fields: {@code eventId} (or {@code id}) and {@code merchantId} (top level, or inside
 * {@code payment}); everything else is carried as is.
 */
public record PaymentNotification(String channel, String idempotencyKey, String text) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Empty when the event has no usable event ID or merchant (the bridge counts it as skipped). */
    public static Optional<PaymentNotification> from(byte[] eventJson, int maxTextChars) {
        JsonNode event;
        try {
            event = JSON.readTree(eventJson);
        } catch (RuntimeException notJson) {
            return Optional.empty();
        }
        if (event == null || !event.isObject()) {
            return Optional.empty();
        }
        String eventId = firstText(event, "eventId", "id");
        String merchant = firstText(event, "merchantId");
        if (merchant == null && event.get("payment") != null) {
            merchant = firstText(event.get("payment"), "merchantId");
        }
        if (eventId == null || merchant == null) {
            return Optional.empty();
        }
        String channel = ReservedChannels.MERCHANT_PREFIX + merchant;
        String key = "payments-event-" + eventId;
        String text = JSON.writeValueAsString(event);
        if (!ChannelName.isValid(channel) || key.length() > 200 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                || text.length() > maxTextChars) {
            return Optional.empty();
        }
        return Optional.of(new PaymentNotification(channel, key, text));
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && (value.isString() || value.isNumber()) && !value.asString().isBlank()) {
                return value.asString();
            }
        }
        return null;
    }
}
