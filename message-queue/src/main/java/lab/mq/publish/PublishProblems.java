package lab.mq.publish;

import static org.springframework.http.HttpStatus.BAD_REQUEST;
import static org.springframework.http.HttpStatus.CONTENT_TOO_LARGE;
import static org.springframework.http.HttpStatus.FORBIDDEN;
import static org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE;
import static org.springframework.http.HttpStatus.UNPROCESSABLE_CONTENT;

import lab.platform.problem.ProblemType;

/** The problem types of publishing. Slugs are public contracts: never rename one. */
public final class PublishProblems {

    public static final ProblemType INVALID_CHANNEL = new ProblemType("invalid-channel", BAD_REQUEST, "Invalid channel name");
    public static final ProblemType RESERVED_CHANNEL =
            new ProblemType("reserved-channel", FORBIDDEN, "Channel written only by the system");
    public static final ProblemType INVALID_MESSAGE = new ProblemType("invalid-message", BAD_REQUEST, "Invalid message");
    public static final ProblemType MESSAGE_TOO_LARGE = new ProblemType("message-too-large", CONTENT_TOO_LARGE, "Message too large");
    public static final ProblemType INVALID_IDEMPOTENCY_KEY =
            new ProblemType("invalid-idempotency-key", BAD_REQUEST, "Invalid Idempotency-Key");
    public static final ProblemType IDEMPOTENCY_KEY_REUSED =
            new ProblemType("idempotency-key-reused", UNPROCESSABLE_CONTENT, "Idempotency-Key reused with different content");
    public static final ProblemType LOG_UNAVAILABLE = new ProblemType("log-unavailable", SERVICE_UNAVAILABLE, "The log did not accept the publish");
    public static final ProblemType PUBLISH_UNCONFIRMED =
            new ProblemType("publish-unconfirmed", SERVICE_UNAVAILABLE, "Publish accepted by the log but not yet sequenced");
    public static final ProblemType OVERLOADED = new ProblemType("publishes-overloaded", SERVICE_UNAVAILABLE, "Too many publishes in flight");

    private PublishProblems() {
    }
}
