package lab.mq.fanout;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.mq.history.ChannelBounds;
import lab.mq.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber connection (an SSE stream or a WebSocket) with its own writer thread and a
 * bounded send queue.
 *
 * <p>The store, not the queue, is the source of truth. The queue is a fast path for live
 * messages; when it is full the fan-out drops the live copy for this connection only and flags
 * it, and the writer then catches up from the node's store. Each subscription's {@code nextSeq}
 * decides what is sent: a message below it is a copy already sent and is skipped, one above it
 * means a gap that is filled from the store first. So a slow subscriber costs the others nothing
 * (the fan-out never blocks on it), its memory is the queue's capacity, and it never loses a
 * message silently: it receives everything in order, or a {@link Event.Discontinuity} for what
 * retention removed, or the connection is closed when its socket stays blocked past the write
 * timeout and it resumes elsewhere from its last sequence number.
 */
public final class Connection {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final String transport;
    private final EventSink sink;
    private final FanOut fanOut;
    private final BlockingQueue<Delivery> queue;
    private final ConcurrentLinkedQueue<Control> controls = new ConcurrentLinkedQueue<>();
    private final Map<String, Subscription> subscriptions = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicBoolean catchUpNeeded = new AtomicBoolean();
    private volatile boolean closed;
    private volatile String closeReason;

    /** A live message for one subscription, or only a wake-up of the writer ({@code message == null}). */
    private record Delivery(Subscription subscription, Message message) {
    }

    private static final Delivery WAKE = new Delivery(null, null);

    Connection(String transport, EventSink sink, FanOut fanOut, int queueCapacity) {
        this.transport = transport;
        this.sink = sink;
        this.fanOut = fanOut;
        // Bounded like an array queue, but its nodes exist only while messages wait: an idle
        // connection holds no array of queueCapacity slots.
        this.queue = new LinkedBlockingQueue<>(queueCapacity);
    }

    public String transport() {
        return transport;
    }

    /** From any thread: follow the channel from {@code afterSeq + 1}, or from the next new message when null. */
    public void subscribe(String channel, Long afterSeq) {
        control(() -> startSubscription(channel, afterSeq));
    }

    public void unsubscribe(String channel) {
        control(() -> {
            Subscription sub = subscriptions.remove(channel);
            if (sub != null) {
                fanOut.unregister(sub);
            }
            send(new Event.Unsubscribed(channel));
        });
    }

    /** From any thread: tell the client about a mistake of its own, in order with everything else. */
    public void problem(String detail, String channel) {
        control(() -> send(new Event.Problem(detail, channel)));
    }

    /** From any thread: ends the writer after telling the client where to resume. */
    public void close(String reason) {
        closeReason = reason;
        closed = true;
        queue.offer(WAKE);
    }

    /** For a connection whose {@link #run()} will never be called (the transport failed to start): frees its slot. */
    public void abandon() {
        closed = true;
        fanOut.closed(this);
    }

    public boolean isClosed() {
        return closed;
    }

    public int queueDepth() {
        return queue.size();
    }

    public int subscriptionCount() {
        return subscriptions.size();
    }

    /** Called by the fan-out for each live message of a subscribed channel; never blocks. */
    void offer(Subscription sub, Message message) {
        if (!queue.offer(new Delivery(sub, message)) && catchUpNeeded.compareAndSet(false, true)) {
            fanOut.metrics().slowAction("catch-up");
        }
    }

    private void control(Control action) {
        controls.add(action);
        queue.offer(WAKE); // if the queue is full the writer is busy and sees the control next round
    }

    /** The writer loop: runs on a virtual thread of the connection's own until closed; its end frees the node's slot. */
    public void run() {
        fanOut.opened(this);
        try {
            sink.open();
            while (!closed) {
                for (Control control; (control = controls.poll()) != null; ) {
                    control.run();
                }
                if (catchUpNeeded.getAndSet(false)) {
                    for (Subscription sub : List.copyOf(subscriptions.values())) {
                        catchUp(sub, fanOut.reader().bounds(sub.channel).headSeq(), true);
                    }
                }
                Delivery next = queue.poll(fanOut.settings().heartbeat().toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    send(new Event.Heartbeat());
                } else if (next.message() != null) {
                    deliver(next.subscription(), next.message());
                }
            }
            if (closeReason != null) {
                send(new Event.Closing(closeReason, resumePoints()));
            }
        } catch (IOException | IllegalStateException gone) {
            if (gone instanceof IllegalStateException) {
                log.error("closing a {} connection: {}", transport, gone.getMessage(), gone);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed = true;
            subscriptions.values().forEach(fanOut::unregister);
            fanOut.closed(this);
            sink.close();
        }
    }

    private void startSubscription(String channel, Long afterSeq) throws IOException {
        if (subscriptions.containsKey(channel)) {
            send(new Event.Problem("already subscribed to " + channel + "; unsubscribe first to move the resume point", channel));
            return;
        }
        if (subscriptions.size() >= fanOut.settings().maxSubscriptionsPerConnection()) {
            send(new Event.Problem("at most " + fanOut.settings().maxSubscriptionsPerConnection()
                    + " channels per connection", channel));
            return;
        }
        long nextSeq = afterSeq != null ? afterSeq + 1 : fanOut.reader().bounds(channel).headSeq() + 1;
        Subscription sub = new Subscription(channel, this, nextSeq);
        subscriptions.put(channel, sub);
        // Registered before reading the store: whatever is appended from now on reaches the queue or
        // flags a catch-up, and whatever was appended before is read below. Nothing falls between.
        fanOut.register(sub);
        send(new Event.Subscribed(channel, nextSeq));
        if (afterSeq != null) {
            fanOut.metrics().resumed(transport);
        }
        catchUp(sub, fanOut.reader().bounds(channel).headSeq(), false);
    }

    private void deliver(Subscription sub, Message message) throws IOException {
        if (!sub.active || message.seq() < sub.nextSeq) {
            return; // already sent while catching up, or unsubscribed meanwhile
        }
        if (message.seq() > sub.nextSeq) {
            catchUp(sub, message.seq() - 1, true);
        }
        sendMessage(sub, message, true);
    }

    /** Sends everything from {@code nextSeq} to {@code untilSeq} that the store holds, in order. */
    private void catchUp(Subscription sub, long untilSeq, boolean live) throws IOException {
        while (sub.active && sub.nextSeq <= untilSeq) {
            ChannelBounds bounds = fanOut.reader().bounds(sub.channel);
            if (sub.nextSeq < bounds.firstSeq()) {
                long lostTo = Math.min(bounds.firstSeq() - 1, untilSeq);
                send(new Event.Discontinuity(sub.channel, sub.nextSeq, lostTo, "older than this node's retention"));
                fanOut.metrics().discontinuity(transport);
                sub.nextSeq = lostTo + 1;
                continue;
            }
            List<Message> page = fanOut.reader().read(sub.channel, sub.nextSeq, fanOut.settings().catchUpPage());
            if (page.isEmpty()) {
                return; // not in this node's store yet; the live path delivers it when it arrives
            }
            for (Message message : page) {
                if (message.seq() > untilSeq) {
                    return;
                }
                sendMessage(sub, message, live);
            }
        }
    }

    private void sendMessage(Subscription sub, Message message, boolean live) throws IOException {
        if (message.seq() != sub.nextSeq || !message.channel().equals(sub.channel)) {
            throw new IllegalStateException("about to send " + message.channel() + "#" + message.seq() + " to a subscriber of "
                    + sub.channel + " expecting #" + sub.nextSeq + ": ordering broken");
        }
        send(new Event.MessageEvent(message));
        sub.nextSeq = message.seq() + 1;
        fanOut.metrics().delivered(transport, message, live);
    }

    private void send(Event event) throws IOException {
        long started = System.nanoTime();
        try {
            sink.send(event);
        } catch (IOException e) {
            if (System.nanoTime() - started >= fanOut.settings().writeTimeout().toNanos() * 9 / 10) {
                fanOut.metrics().slowAction("disconnect");
                log.info("closed a {} connection whose socket accepted nothing for {}; it resumes from {}",
                        transport, fanOut.settings().writeTimeout(), resumePoints());
            }
            throw e;
        }
    }

    private Map<String, Long> resumePoints() {
        Map<String, Long> points = new LinkedHashMap<>();
        subscriptions.forEach((channel, sub) -> points.put(channel, sub.nextSeq - 1));
        return points;
    }

    /** A change asked for by the transport's thread, run by the writer so sends stay in order. */
    @FunctionalInterface
    private interface Control {
        void run() throws IOException;
    }
}
