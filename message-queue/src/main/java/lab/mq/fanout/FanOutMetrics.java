package lab.mq.fanout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import lab.mq.message.Message;

/**
 * Fan-out meters, tagged by transport only (never by channel or subscriber, which are unbounded):
 * {@code mq.deliveries}, {@code mq.deliver.latency} (publish to hand-off to the socket),
 * {@code mq.connections}, {@code mq.connections.limit}, {@code mq.connections.refused},
 * {@code mq.subscriptions}, {@code mq.send.queue.depth} (sum and max over
 * connections), {@code mq.slow.subscriber.actions{action}}, {@code mq.resumes}, {@code mq.discontinuities}.
 */
public final class FanOutMetrics {

    public static final Set<String> TRANSPORTS = Set.of("sse", "websocket");
    static final Set<String> SLOW_SUBSCRIBER_ACTIONS = Set.of("catch-up", "disconnect");

    private final MeterRegistry meters;
    private final Clock clock;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> deliveries = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> latency = new ConcurrentHashMap<>();

    public FanOutMetrics(MeterRegistry meters, Clock clock) {
        this.meters = meters;
        this.clock = clock;
        // Registered up front: the delivery path only looks them up.
        for (String transport : TRANSPORTS) {
            deliveries.put(transport, Counter.builder("mq.deliveries").description("Messages handed to subscriber sockets")
                    .tag("transport", transport).register(meters));
            latency.put(transport, Timer.builder("mq.deliver.latency")
                    .description("From the publishing node taking the message to this node writing it to a subscriber (wall clocks of two nodes)")
                    .tag("transport", transport)
                    .publishPercentileHistogram()
                    .register(meters));
            // The rare events too, so a dashboard or an alert reads 0 before the first one instead of nothing.
            resumes(transport);
            discontinuities(transport);
            refusedCounter(transport);
        }
        SLOW_SUBSCRIBER_ACTIONS.forEach(this::slowActions);
    }

    void bind(Set<Connection> connections, ConnectionLimit limit) {
        Gauge.builder("mq.connections.limit", limit, ConnectionLimit::limit)
                .description("Subscriber connections (SSE and WebSocket together) this node admits; more are refused").register(meters);
        for (String transport : TRANSPORTS) {
            Gauge.builder("mq.connections", connections, cs -> cs.stream().filter(c -> c.transport().equals(transport)).count())
                    .description("Open subscriber connections on this node").tag("transport", transport).register(meters);
            Gauge.builder("mq.subscriptions", connections,
                            cs -> cs.stream().filter(c -> c.transport().equals(transport)).mapToInt(Connection::subscriptionCount).sum())
                    .description("Channel subscriptions on this node").tag("transport", transport).register(meters);
        }
        Gauge.builder("mq.send.queue.depth", connections, cs -> cs.stream().mapToInt(Connection::queueDepth).sum())
                .description("Live messages waiting in all send queues of this node").tag("stat", "sum").register(meters);
        Gauge.builder("mq.send.queue.depth", connections, cs -> cs.stream().mapToInt(Connection::queueDepth).max().orElse(0))
                .description("Live messages waiting in the fullest send queue of this node").tag("stat", "max").register(meters);
    }

    void delivered(String transport, Message message, boolean live) {
        deliveries.get(transport).increment();
        if (live) {
            latency.get(transport).record(Math.max(0, clock.millis() - message.publishedAtMillis()), TimeUnit.MILLISECONDS);
        }
    }

    void refused(String transport) {
        refusedCounter(transport).increment();
    }

    private Counter refusedCounter(String transport) {
        return counter("mq.connections.refused", "Subscriber connections refused because the node was at its connection limit",
                "transport", transport);
    }

    void slowAction(String action) {
        slowActions(action).increment();
    }

    void resumed(String transport) {
        resumes(transport).increment();
    }

    void discontinuity(String transport) {
        discontinuities(transport).increment();
    }

    private Counter slowActions(String action) {
        return counter("mq.slow.subscriber.actions", "Slow subscribers switched to catching up from the store, or disconnected", "action", action);
    }

    private Counter resumes(String transport) {
        return counter("mq.resumes", "Subscriptions that started from a resume point", "transport", transport);
    }

    private Counter discontinuities(String transport) {
        return counter("mq.discontinuities", "Discontinuity events sent (resume points older than retention)", "transport", transport);
    }

    private Counter counter(String name, String description, String tag, String value) {
        return counters.computeIfAbsent(name + "|" + value,
                k -> Counter.builder(name).description(description).tag(tag, value).register(meters));
    }
}
