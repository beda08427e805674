package lab.payments.idempotency;

/** The answer to the first request with a key, replayed byte for byte to every retry. */
public record StoredResponse(int status, String contentType, String body) {
}
