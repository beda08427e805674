package lab.platform.internode;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lab.platform.faults.FaultMetrics;
import lab.platform.faults.FaultRegistry;
import lab.platform.identity.NodeIdentity;
import lab.platform.security.ClusterCredential;

/**
 * The one way a node calls another node. Every call has a deadline; idempotent calls are retried
 * with jittered exponential backoff inside that deadline; each peer has a circuit breaker so a
 * dead peer costs one fast refusal instead of a timeout per call. A peer dropped by an operator
 * fault behaves like a network that loses every packet: the call times out at its deadline.
 * Every call carries the cluster's credential ({@link ClusterCredential}), which the callee's
 * {@code /internal/**} API requires.
 *
 * <p>Metrics: {@code lab.internode.requests{peer,method,outcome}} (timer with histogram),
 * {@code lab.internode.retries{peer}}, and Resilience4j's breaker state per {@code internode-<peer>}.
 */
public final class InterNodeClient implements AutoCloseable {

    /** The Resilience4j config every per-peer breaker uses (set by the kit's defaults). */
    public static final String BREAKER_CONFIG = "internode";

    /** Answers after which an idempotent call is worth another attempt. */
    private static final java.util.Set<Integer> RETRYABLE_STATUSES = java.util.Set.of(502, 503, 504);

    private final NodeIdentity self;
    private final ClusterCredential credential;
    private final HttpClient http;
    private final FaultRegistry faults;
    private final FaultMetrics faultMetrics;
    private final CircuitBreakerRegistry breakers;
    private final RetryPolicy retryPolicy;
    private final MeterRegistry meters;
    private final TracePropagation tracing;
    private final ExecutorService executor;

    public InterNodeClient(NodeIdentity self, ClusterCredential credential, HttpClient http, ExecutorService executor,
                           FaultRegistry faults, FaultMetrics faultMetrics, CircuitBreakerRegistry breakers,
                           RetryPolicy retryPolicy, MeterRegistry meters, TracePropagation tracing) {
        this.self = self;
        this.credential = credential;
        this.http = http;
        this.executor = executor;
        this.faults = faults;
        this.faultMetrics = faultMetrics;
        this.breakers = breakers;
        this.retryPolicy = retryPolicy;
        this.meters = meters;
        this.tracing = tracing;
    }

    /** Sends the call and waits for its answer, at most until its deadline. */
    public InterNodeResponse send(InterNodeRequest request) {
        long deadlineNanos = System.nanoTime() + request.timeout().toNanos();
        CircuitBreaker breaker = breaker(request.peer());
        int maxAttempts = request.isIdempotent() ? retryPolicy.maxAttempts() : 1;
        IntervalFunction backoff = retryPolicy.backoff();
        for (int attempt = 1; ; attempt++) {
            try {
                InterNodeResponse response = attempt(request, breaker, deadlineNanos, attempt);
                boolean retryable = RETRYABLE_STATUSES.contains(response.status());
                if (!retryable || attempt >= maxAttempts || !waitBeforeRetry(backoff, attempt, deadlineNanos, request)) {
                    return response;
                }
            } catch (InterNodeException failure) {
                boolean retryable = failure.failure() == InterNodeException.Failure.CONNECT_FAILED
                        || failure.failure() == InterNodeException.Failure.IO_ERROR;
                if (!retryable || attempt >= maxAttempts || !waitBeforeRetry(backoff, attempt, deadlineNanos, request)) {
                    throw failure;
                }
            }
        }
    }

    /** Sends the call on a virtual thread; for fanning one request out to several peers at once. */
    public CompletableFuture<InterNodeResponse> sendAsync(InterNodeRequest request) {
        return CompletableFuture.supplyAsync(() -> send(request), executor);
    }

    private InterNodeResponse attempt(InterNodeRequest request, CircuitBreaker breaker, long deadlineNanos, int attempt) {
        Peer peer = request.peer();
        long remainingNanos = deadlineNanos - System.nanoTime();
        if (remainingNanos <= 0) {
            throw record(request, 0, new InterNodeException(peer, InterNodeException.Failure.TIMEOUT, attempt,
                    "deadline of " + request.timeout().toMillis() + " ms passed before attempt " + attempt, null));
        }
        if (!breaker.tryAcquirePermission()) {
            throw record(request, 0, new InterNodeException(peer, InterNodeException.Failure.CIRCUIT_OPEN, attempt,
                    "circuit breaker is " + breaker.getState() + " after recent failures", null));
        }
        long start = System.nanoTime();
        try {
            InterNodeResponse response = exchange(request, remainingNanos, attempt);
            long took = System.nanoTime() - start;
            if (response.status() >= 500) {
                breaker.onError(took, TimeUnit.NANOSECONDS, new IOException("HTTP " + response.status()));
            } else {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            }
            timer(request, statusClass(response.status())).record(took, TimeUnit.NANOSECONDS);
            return response;
        } catch (InterNodeException failure) {
            long took = System.nanoTime() - start;
            if (failure.failure() == InterNodeException.Failure.INTERRUPTED) {
                breaker.releasePermission();
            } else {
                breaker.onError(took, TimeUnit.NANOSECONDS, failure);
            }
            throw record(request, took, failure);
        }
    }

    private InterNodeResponse exchange(InterNodeRequest request, long remainingNanos, int attempt) {
        Peer peer = request.peer();
        if (faults.isDropped(peer.nodeId())) {
            faultMetrics.injected(FaultRegistry.DROP_PEERS);
            sleepNanos(remainingNanos, peer, attempt);
            throw new InterNodeException(peer, InterNodeException.Failure.TIMEOUT, attempt,
                    "no answer within " + request.timeout().toMillis() + " ms (traffic to this peer is dropped by a fault)", null);
        }
        long remainingMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos));
        HttpRequest.Builder builder = HttpRequest.newBuilder(peer.resolve(request.path()))
                .timeout(Duration.ofNanos(remainingNanos))
                .header(InterNodeHeaders.FROM_NODE, self.nodeId())
                .header(InterNodeHeaders.DEADLINE_MILLIS, Long.toString(remainingMillis));
        for (Map.Entry<String, String> header : request.headers().entrySet()) {
            builder.header(header.getKey(), header.getValue());
        }
        builder.setHeader(credential.header(), credential.value());
        byte[] body = request.bodyOrNull();
        builder.method(request.method(), body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        try (TracePropagation.Scope ignored = tracing.start(request.method() + " " + peer.nodeId(), builder::header)) {
            CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            try {
                // The request timeout only bounds the wait for headers; this bounds the whole exchange.
                HttpResponse<byte[]> response = future.get(remainingNanos, TimeUnit.NANOSECONDS);
                return new InterNodeResponse(peer, response.statusCode(), response.headers(), response.body(), attempt);
            } catch (TimeoutException timeout) {
                future.cancel(true);
                throw new InterNodeException(peer, InterNodeException.Failure.TIMEOUT, attempt,
                        "no answer within " + request.timeout().toMillis() + " ms", timeout);
            } catch (InterruptedException interrupted) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new InterNodeException(peer, InterNodeException.Failure.INTERRUPTED, attempt, "interrupted", interrupted);
            } catch (ExecutionException failed) {
                throw translate(peer, attempt, request, failed.getCause());
            }
        }
    }

    private static InterNodeException translate(Peer peer, int attempt, InterNodeRequest request, Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException
                || (cause != null && cause.getCause() instanceof ConnectException)) {
            return new InterNodeException(peer, InterNodeException.Failure.CONNECT_FAILED, attempt,
                    "cannot connect to " + peer.baseUrl(), cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new InterNodeException(peer, InterNodeException.Failure.TIMEOUT, attempt,
                    "no answer within " + request.timeout().toMillis() + " ms", cause);
        }
        return new InterNodeException(peer, InterNodeException.Failure.IO_ERROR, attempt,
                "I/O error: " + cause, cause);
    }

    /** Waits the backoff before the next attempt; false when the deadline leaves no room for one. */
    private boolean waitBeforeRetry(IntervalFunction backoff, int attempt, long deadlineNanos, InterNodeRequest request) {
        long waitNanos = TimeUnit.MILLISECONDS.toNanos(backoff.apply(attempt));
        if (System.nanoTime() + waitNanos >= deadlineNanos) {
            return false;
        }
        Counter.builder("lab.internode.retries")
                .description("Inter-node call attempts after the first (idempotent calls only)")
                .tag("peer", request.peer().nodeId())
                .register(meters)
                .increment();
        try {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleepNanos(long nanos, Peer peer, int attempt) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterNodeException(peer, InterNodeException.Failure.INTERRUPTED, attempt, "interrupted", e);
        }
    }

    private InterNodeException record(InterNodeRequest request, long tookNanos, InterNodeException failure) {
        timer(request, failure.failure().tag()).record(tookNanos, TimeUnit.NANOSECONDS);
        return failure;
    }

    private Timer timer(InterNodeRequest request, String outcome) {
        return Timer.builder("lab.internode.requests")
                .description("Calls from this node to other nodes, by peer and outcome")
                .tag("peer", request.peer().nodeId())
                .tag("method", request.method())
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(meters);
    }

    /**
     * One breaker per peer, configured by {@code resilience4j.circuitbreaker.configs.internode}
     * (the kit's defaults: time-based, short open state) when the registry has that config.
     */
    private CircuitBreaker breaker(Peer peer) {
        String name = "internode-" + peer.nodeId();
        return breakers.getConfiguration(BREAKER_CONFIG)
                .map(config -> breakers.circuitBreaker(name, config))
                .orElseGet(() -> breakers.circuitBreaker(name));
    }

    private static String statusClass(int status) {
        return (status / 100) + "xx";
    }

    @Override
    public void close() {
        http.close();
    }
}
