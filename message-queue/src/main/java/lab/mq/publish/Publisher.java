package lab.mq.publish;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lab.mq.log.LogRecord;
import lab.mq.log.PublishRequest;
import lab.mq.message.ChannelName;
import lab.platform.ids.IdSource;
import lab.platform.ids.IdsUnavailableException;
import lab.platform.problem.ProblemException;

/**
 * Takes a publish: validates it, gives it an ID, appends it to {@code mq.publish} (acks=all) and
 * waits until the sequencer's record for it comes back from {@code mq.messages}. Only then does
 * the caller hear "published", with the sequence number the log gave. Nothing is appended when
 * validation fails.
 *
 * <p>A publish that times out after the broker acknowledged it will still be sequenced: the caller
 * gets 503 {@code publish-unconfirmed} and should retry with the same Idempotency-Key, which then
 * returns that message instead of a second one.
 */
public final class Publisher {

    private static final int MAX_IDEMPOTENCY_KEY_CHARS = 200;

    private final IdSource ids;
    private final PublishLog log;
    private final PendingPublishes pending;
    private final Clock clock;
    private final String node;
    private final PublishSettings settings;
    private final PublishMetrics metrics;

    public Publisher(IdSource ids, PublishLog log, PendingPublishes pending, Clock clock, String node,
                     PublishSettings settings, PublishMetrics metrics) {
        this.ids = ids;
        this.log = log;
        this.pending = pending;
        this.clock = clock;
        this.node = node;
        this.settings = settings;
        this.metrics = metrics;
    }

    public PublishResult publish(String channel, String sender, String text, String idempotencyKey) {
        try {
            validate(channel, sender, text, idempotencyKey);
        } catch (ProblemException rejected) {
            metrics.outcome("rejected");
            throw rejected;
        }
        long started = System.nanoTime();
        long deadline = started + settings.ackTimeout().toNanos();
        long id;
        try {
            id = ids.nextId();
        } catch (IdsUnavailableException e) {
            metrics.outcome("ids-unavailable");
            throw e;
        }
        CompletableFuture<LogRecord> answer = pending.register(id);
        if (answer == null) {
            metrics.outcome("overloaded");
            throw PublishProblems.OVERLOADED.exception("this node already waits for " + pending.size() + " publishes")
                    .retryAfter(Duration.ofSeconds(1));
        }
        try {
            PublishRequest request = new PublishRequest(id, channel, sender, text, idempotencyKey, clock.millis(), node);
            awaitAppend(log.append(request), deadline);
            LogRecord record = awaitSequenced(answer, deadline, id);
            metrics.latency(System.nanoTime() - started);
            return switch (record.kind()) {
                case MESSAGE -> {
                    metrics.outcome("published");
                    yield new PublishResult(record.message(), false);
                }
                case DUPLICATE -> {
                    metrics.outcome("replayed");
                    yield new PublishResult(record.message(), true);
                }
                case CONFLICT -> {
                    metrics.outcome("conflict");
                    throw PublishProblems.IDEMPOTENCY_KEY_REUSED.exception("Idempotency-Key '" + idempotencyKey
                                    + "' already published message " + record.message().id() + " with a different sender or text")
                            .with("messageId", Long.toString(record.message().id()));
                }
            };
        } finally {
            pending.forget(id);
        }
    }

    private void awaitAppend(CompletableFuture<Void> appended, long deadline) {
        try {
            appended.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            metrics.outcome("log-unavailable");
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw PublishProblems.LOG_UNAVAILABLE.exception("Kafka did not acknowledge the publish within "
                    + settings.ackTimeout().toMillis() + " ms: " + cause).retryAfter(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    private LogRecord awaitSequenced(CompletableFuture<LogRecord> answer, long deadline, long id) {
        try {
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            metrics.outcome("unconfirmed");
            throw PublishProblems.PUBLISH_UNCONFIRMED.exception("Kafka acknowledged the publish but its sequence number did not arrive within "
                            + settings.ackTimeout().toMillis() + " ms; it will still be sequenced: retry with the same Idempotency-Key to get it")
                    .with("requestId", Long.toString(id))
                    .retryAfter(Duration.ofSeconds(2));
        } catch (ExecutionException e) {
            throw new IllegalStateException("a pending publish never fails, got " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the sequencer", e);
        }
    }

    private void validate(String channel, String sender, String text, String idempotencyKey) {
        if (!ChannelName.isValid(channel)) {
            throw PublishProblems.INVALID_CHANNEL.exception("invalid channel name '" + channel + "': use 1 to "
                    + ChannelName.MAX_LENGTH + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (sender == null || sender.isBlank()) {
            throw PublishProblems.INVALID_MESSAGE.exception("'sender' is required and must not be blank").with("field", "sender");
        }
        if (text == null || text.isBlank()) {
            throw PublishProblems.INVALID_MESSAGE.exception("'text' is required and must not be blank").with("field", "text");
        }
        if (sender.length() > settings.maxSenderChars()) {
            throw PublishProblems.MESSAGE_TOO_LARGE.exception("'sender' has " + sender.length() + " characters; at most "
                    + settings.maxSenderChars() + " are allowed").with("field", "sender").with("limit", settings.maxSenderChars());
        }
        if (text.length() > settings.maxTextChars()) {
            throw PublishProblems.MESSAGE_TOO_LARGE.exception("'text' has " + text.length() + " characters; at most "
                    + settings.maxTextChars() + " are allowed").with("field", "text").with("limit", settings.maxTextChars());
        }
        if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_CHARS
                || !idempotencyKey.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw PublishProblems.INVALID_IDEMPOTENCY_KEY.exception("Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY_CHARS
                    + " visible ASCII characters");
        }
    }
}
