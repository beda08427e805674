package lab.mq.fanout;

import java.io.IOException;

/** One subscriber connection's transport. Only the connection's writer thread calls it. */
public interface EventSink {

    /** Starts the transport's stream (for SSE: the response headers), once the node has admitted the connection. */
    default void open() throws IOException {
    }

    /** Writes one event and flushes it; blocks while the client's socket is full. */
    void send(Event event) throws IOException;

    /** Closes the transport (after a {@link Event.Closing} when there was a reason to tell). */
    void close();
}
