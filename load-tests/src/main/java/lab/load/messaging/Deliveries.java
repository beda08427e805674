package lab.load.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import lab.load.check.LatencyHistogram;
import lab.load.check.RunChecks;
import lab.load.check.SequenceTracker;

/**
 * Both sides of the messaging run: what publishers got acknowledged (the highest sequence number
 * per channel) and what each subscriber received ({@link SequenceTracker} per subscriber and
 * channel). Subscribers read events as the server sends them, with the time they arrived, so
 * publish→deliver latency is measured where a user would see it.
 */
final class Deliveries {

    static final String LATENCY = "messaging.publish-to-deliver";

    private final RunChecks checks;
    private final LatencyHistogram latency;
    private final Map<String, AtomicLong> maxAckedSeq = new ConcurrentHashMap<>();
    private final Map<String, SequenceTracker> trackers = new ConcurrentHashMap<>();
    private final List<SequenceTracker> all = new CopyOnWriteArrayList<>();
    private final AtomicInteger publishesInFlight = new AtomicInteger();

    Deliveries(RunChecks checks) {
        this.checks = checks;
        this.latency = checks.histogram(LATENCY);
    }

    void publishing() {
        publishesInFlight.incrementAndGet();
    }

    void published() {
        publishesInFlight.decrementAndGet();
    }

    boolean publishesInFlight() {
        return publishesInFlight.get() > 0;
    }

    void acknowledged(String channel, long seq) {
        maxAckedSeq.computeIfAbsent(channel, c -> new AtomicLong()).accumulateAndGet(seq, Math::max);
        checks.count("messaging.published");
    }

    /** The subscriber asked for the channel: from now on every acknowledged message of it is owed to it. */
    SequenceTracker tracker(String subscriber, String channel) {
        return trackers.computeIfAbsent(subscriber + " " + channel, k -> {
            SequenceTracker t = new SequenceTracker(subscriber, channel, checks);
            all.add(t);
            return t;
        });
    }

    /** One event as both transports carry it: its type and its JSON payload (the message itself for "message"). */
    void event(String subscriber, String type, JsonNode data, long receivedAtMillis) {
        switch (type) {
            case "message" -> {
                String channel = data.path("channel").asText();
                long seq = data.has("seq") ? data.path("seq").asLong() : data.path("sequence").asLong();
                tracker(subscriber, channel).received(seq);
                if (data.has("publishedAtMillis")) {
                    latency.record(receivedAtMillis - data.path("publishedAtMillis").asLong());
                }
            }
            case "subscribed" -> {
                checks.count("messaging.subscriptions");
                tracker(subscriber, data.path("channel").asText()).subscribed(data.path("nextSeq").asLong());
            }
            case "discontinuity" -> checks.anomaly("messaging.discontinuity", subscriber + " was told messages "
                    + data.path("fromSeq").asLong() + ".." + data.path("toSeq").asLong() + " of " + data.path("channel").asText()
                    + " are gone (" + data.path("reason").asText() + ") while it was connected");
            case "problem" -> checks.anomaly("messaging.problem-event", subscriber + ": " + data);
            case "closing" -> checks.count("messaging.closed-by-server");
            default -> { } // heartbeats, unsubscribed
        }
    }

    /** True when every subscription of {@code subscriber} has every message acknowledged on its channel. */
    boolean caughtUp(String subscriber) {
        return all.stream().filter(t -> t.subscriber().equals(subscriber))
                .allMatch(t -> t.lastSeq() >= acked(t.channel()));
    }

    /** At the end: an acknowledged message a subscriber of its channel never received is lost to that subscriber. */
    void judge() {
        for (SequenceTracker t : all) {
            long owed = acked(t.channel()) - t.lastSeq();
            if (owed > 0) {
                checks.anomaly("messaging.undelivered", t.subscriber() + " never received " + owed + " acknowledged message(s) of "
                        + t.channel() + " (#" + (t.lastSeq() + 1) + ".." + acked(t.channel()) + ")");
                checks.count("messaging.undelivered-messages", owed);
            }
        }
    }

    private long acked(String channel) {
        AtomicLong max = maxAckedSeq.get(channel);
        return max == null ? 0 : max.get();
    }
}
