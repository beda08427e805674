package lab.ratelimit.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Every Redis call of the node goes through here: a circuit breaker that stops asking a Redis
 * that keeps failing (so an outage costs nothing per request instead of a deadline per request),
 * and a hard deadline on each call (so no request waits for Redis longer than that). Both
 * failures become {@link RedisUnavailableException}, which says whether the command may still
 * have run on Redis ({@link Delivery}); the latency of every call is the
 * {@code ratelimit.redis.latency} timer.
 */
public final class GuardedRedis {

    private final RedisLink link;
    private final CircuitBreaker breaker;
    private final Timer success;
    private final Timer timeout;
    private final Timer error;

    public GuardedRedis(RedisLink link, CircuitBreaker breaker, MeterRegistry registry) {
        this.link = link;
        this.breaker = breaker;
        this.success = latencyTimer(registry, "success");
        this.timeout = latencyTimer(registry, "timeout");
        this.error = latencyTimer(registry, "error");
    }

    private static Timer latencyTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("ratelimit.redis.latency")
                .description("Redis round trips of this node, by outcome (calls the open breaker refused are not here)")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
    }

    /** Runs {@code command} against Redis and waits for its answer at most {@code deadlineMillis}. */
    public <T> T call(long deadlineMillis, Function<RedisAsyncCommands<String, String>, CompletionStage<T>> command)
            throws RedisUnavailableException {
        if (!breaker.tryAcquirePermission()) {
            throw new RedisUnavailableException("circuit breaker '" + breaker.getName() + "' is " + breaker.getState(), null,
                    Delivery.NOT_SENT);
        }
        long start = System.nanoTime();
        RedisAsyncCommands<String, String> connection;
        try {
            connection = link.async();
        } catch (RedisUnavailableException notConnected) {
            throw failed(start, error, notConnected.getMessage(), notConnected, Delivery.NOT_SENT);
        }
        try {
            T value = command.apply(connection).toCompletableFuture().get(deadlineMillis, TimeUnit.MILLISECONDS);
            long took = System.nanoTime() - start;
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            success.record(took, TimeUnit.NANOSECONDS);
            return value;
        } catch (TimeoutException e) {
            throw failed(start, timeout, "Redis did not answer within " + deadlineMillis + " ms", e, Delivery.UNCONFIRMED);
        } catch (ExecutionException e) {
            throw failed(start, error, "Redis call failed: " + e.getCause().getMessage(), e.getCause(), Delivery.UNCONFIRMED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            breaker.releasePermission();
            throw new RedisUnavailableException("interrupted while waiting for Redis", e);
        }
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public boolean connected() {
        return link.isConnected();
    }

    private RedisUnavailableException failed(long start, Timer outcome, String message, Throwable cause, Delivery delivery) {
        long took = System.nanoTime() - start;
        breaker.onError(took, TimeUnit.NANOSECONDS, cause);
        outcome.record(took, TimeUnit.NANOSECONDS);
        return new RedisUnavailableException(message, cause, delivery);
    }
}
