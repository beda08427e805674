package lab.payments.idempotency;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Turns a stored response into the HTTP answer; replays carry {@code Idempotent-Replayed: true}. */
public final class IdempotentAnswers {

    public static final String KEY_HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private IdempotentAnswers() {
    }

    public static ResponseEntity<String> toHttp(StoredResponse response, boolean replayed) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(response.status()).contentType(MediaType.parseMediaType(response.contentType()));
        if (replayed) {
            builder.header(REPLAYED_HEADER, "true");
        }
        return builder.body(response.body());
    }
}
