package lab.mq.log;

import lab.mq.message.Message;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON bytes for everything the service writes to Kafka and to its store. One mapper, strict on
 * reading (an unknown member means a newer writer: fail loudly rather than drop data).
 */
public final class RecordCodec {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RecordCodec() {
    }

    public static byte[] encode(Object value) {
        return JSON.writeValueAsBytes(value);
    }

    public static String encodeToString(Object value) {
        return JSON.writeValueAsString(value);
    }

    public static PublishRequest publishRequest(byte[] bytes) {
        return JSON.readValue(bytes, PublishRequest.class);
    }

    public static LogRecord logRecord(byte[] bytes) {
        return JSON.readValue(bytes, LogRecord.class);
    }

    public static Message message(byte[] bytes) {
        return JSON.readValue(bytes, Message.class);
    }
}
