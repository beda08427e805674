package lab.mq.fanout;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import lab.mq.history.AppendListener;
import lab.mq.history.ChannelReader;
import lab.mq.log.LogRecord;
import lab.mq.message.Message;
import lab.mq.publish.PendingPublishes;
import lab.platform.problem.ProblemException;

/**
 * Fan-out within one node: which connections follow which channel, and the hand-off of each
 * newly stored message to their send queues. The hand-off never blocks (a full queue only flags
 * that connection for catch-up), so one materializer thread serves every subscriber of the node
 * and a slow one cannot hold it up.
 */
public final class FanOut implements AppendListener {

    private final ChannelReader reader;
    private final FanOutSettings settings;
    private final FanOutMetrics metrics;
    private final PendingPublishes pending;
    private final ConnectionLimit limit;
    private final ConcurrentMap<String, Set<Subscription>> byChannel = new ConcurrentHashMap<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

    public FanOut(ChannelReader reader, FanOutSettings settings, FanOutMetrics metrics, PendingPublishes pending,
                  ConnectionLimit limit) {
        this.reader = reader;
        this.settings = settings;
        this.metrics = metrics;
        this.pending = pending;
        this.limit = limit;
        metrics.bind(connections, limit);
    }

    /**
     * A new connection, if the node has a slot for it; the caller must then run
     * {@link Connection#run()} on the thread that should write to it (its end frees the slot).
     *
     * @throws ProblemException {@link ConnectionLimit#CONNECTION_LIMIT_REACHED}
     *         when the node already serves its limit; nothing was written to the client
     */
    public Connection connect(String transport, EventSink sink) {
        try {
            limit.acquire();
        } catch (ProblemException refused) {
            metrics.refused(transport);
            throw refused;
        }
        return new Connection(transport, sink, this, settings.sendQueueCapacity());
    }

    @Override
    public void onRecords(List<LogRecord> records) {
        records.forEach(pending::complete);
    }

    @Override
    public void onAppended(List<Message> messages) {
        for (Message message : messages) {
            Set<Subscription> subs = byChannel.get(message.channel());
            if (subs != null) {
                for (Subscription sub : subs) {
                    sub.connection.offer(sub, message);
                }
            }
        }
    }

    /** Asks every connection to close, telling each client where to resume (node shutdown). */
    public void closeAll(String reason) {
        connections.forEach(c -> c.close(reason));
    }

    public int connectionCount() {
        return connections.size();
    }

    public ConnectionLimit limit() {
        return limit;
    }

    void register(Subscription sub) {
        byChannel.computeIfAbsent(sub.channel, c -> ConcurrentHashMap.newKeySet()).add(sub);
    }

    void unregister(Subscription sub) {
        sub.active = false;
        byChannel.computeIfPresent(sub.channel, (c, subs) -> {
            subs.remove(sub);
            return subs.isEmpty() ? null : subs;
        });
    }

    void opened(Connection connection) {
        connections.add(connection);
    }

    void closed(Connection connection) {
        connections.remove(connection);
        limit.release();
    }

    ChannelReader reader() {
        return reader;
    }

    FanOutSettings settings() {
        return settings;
    }

    FanOutMetrics metrics() {
        return metrics;
    }
}
