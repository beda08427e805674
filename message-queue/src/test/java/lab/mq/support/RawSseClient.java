package lab.mq.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * An SSE subscriber on a plain socket that can stop reading: after the {@code subscribed} event it
 * reads nothing until {@link #startReading()}, so the node's writes fill the socket (a small
 * receive buffer, then the node's send buffer) and back up into the node, as with a stalled client.
 * It keeps the sequence numbers it read and the last {@code id:}, a browser's {@code Last-Event-ID}.
 */
public final class RawSseClient implements AutoCloseable {

    private static final int RECEIVE_BUFFER_BYTES = 4096;

    private final Socket socket;
    private final CountDownLatch reading = new CountDownLatch(1);
    private final List<Long> seqs = new CopyOnWriteArrayList<>();
    private volatile boolean subscribed;
    private volatile boolean ended;
    private volatile String lastEventId;
    private volatile String statusLine;

    public RawSseClient(URI stream) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES); // before connecting, so the window is small from the start
        socket.connect(new java.net.InetSocketAddress(stream.getHost(), stream.getPort()), 5_000);
        socket.getOutputStream().write(("GET " + stream.getRawPath() + (stream.getRawQuery() == null ? "" : "?" + stream.getRawQuery())
                + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        Thread.ofVirtual().start(this::read);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 1024)) {
            statusLine = in.readLine();
            String id = null;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.equals("event: subscribed")) {
                    lastEventId = id;
                    subscribed = true;
                    reading.await(); // the stall: nothing more is read until the test says so
                } else if (line.equals("event: message")) {
                    seqs.add(Long.parseLong(id));
                    lastEventId = id;
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the node closed the stream, or the test did
        } finally {
            ended = true;
        }
    }

    public void startReading() {
        reading.countDown();
    }

    public boolean subscribed() {
        return subscribed;
    }

    /** The stream ended (the node closed it, e.g. after its write timeout). */
    public boolean ended() {
        return ended;
    }

    public String statusLine() {
        return statusLine;
    }

    public List<Long> seqs() {
        return List.copyOf(seqs);
    }

    public String lastEventId() {
        return lastEventId;
    }

    @Override
    public void close() throws IOException {
        reading.countDown();
        socket.close();
    }
}
