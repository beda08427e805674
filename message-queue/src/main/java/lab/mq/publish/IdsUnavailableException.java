package lab.mq.publish;

/** No ID in hand and no id-generator node answered: a publish must be refused (503, retry later). */
public final class IdsUnavailableException extends RuntimeException {

    public IdsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
