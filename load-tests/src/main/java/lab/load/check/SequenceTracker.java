package lab.load.check;

/**
 * One subscriber's view of one channel, whose messages carry consecutive sequence numbers
 * (1, 2, 3, …): the next one must be exactly the last plus one. A smaller one is a duplicate (or
 * a reorder), a larger one a gap of the numbers skipped. Both are anomalies: the message queue
 * promises neither happens, kills and reconnects included.
 */
public final class SequenceTracker {

    private final String subscriber;
    private final String channel;
    private final RunChecks checks;
    private long expected = -1;
    private long last;
    private long received;

    public SequenceTracker(String subscriber, String channel, RunChecks checks) {
        this.subscriber = subscriber;
        this.channel = channel;
        this.checks = checks;
    }

    /** The server's "subscribed" event: the first message this subscription will deliver is {@code nextSeq}. */
    public synchronized void subscribed(long nextSeq) {
        if (expected < 0) {
            expected = nextSeq;
            last = nextSeq - 1;
        }
    }

    public synchronized void received(long seq) {
        received++;
        checks.count("messaging.deliveries");
        if (expected < 0) {
            expected = seq; // no "subscribed" event seen: the first message is the baseline
        }
        if (seq == expected) {
            expected++;
            last = seq;
        } else if (seq < expected) {
            checks.anomaly("messaging.duplicate", subscriber + " got " + channel + " #" + seq + " again (or out of order) after #" + last);
        } else {
            long missing = seq - expected;
            checks.anomaly("messaging.gap", subscriber + " got " + channel + " #" + seq + " after #" + last + ": "
                    + missing + " message(s) never delivered");
            checks.count("messaging.gap-messages", missing);
            expected = seq + 1;
            last = seq;
        }
    }

    /** The last in-order sequence number seen; 0 before any. */
    public synchronized long lastSeq() {
        return last;
    }


    public synchronized long received() {
        return received;
    }

    public String subscriber() {
        return subscriber;
    }

    public String channel() {
        return channel;
    }
}
