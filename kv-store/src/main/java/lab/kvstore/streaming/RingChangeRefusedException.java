package lab.kvstore.streaming;

/** A join or leave that cannot start now; the message says why (the API answers 409). */
public final class RingChangeRefusedException extends RuntimeException {

    public RingChangeRefusedException(String message) {
        super(message);
    }
}
