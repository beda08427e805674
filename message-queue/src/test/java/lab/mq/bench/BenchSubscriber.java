package lab.mq.bench;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One benchmark subscriber on a plain socket, SSE or WebSocket, read by a virtual thread that only
 * counts: subscribed, refused by the node's connection limit, messages delivered. Plain sockets
 * keep the benchmark JVM's own cost per subscriber small.
 */
final class BenchSubscriber {

    /** What all subscribers of a run have seen. */
    record Counts(AtomicInteger subscribed, AtomicInteger refused, AtomicLong delivered) {
        Counts() {
            this(new AtomicInteger(), new AtomicInteger(), new AtomicLong());
        }
    }

    private BenchSubscriber() {
    }

    static void sse(Socket socket, String channel, Counts counts) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET /channels/" + channel + "/stream HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals("event: subscribed")) {
                        counts.subscribed.incrementAndGet();
                    } else if (line.equals("event: message")) {
                        counts.delivered.incrementAndGet();
                    } else if (line.startsWith("HTTP/1.1 503")) {
                        counts.refused.incrementAndGet(); // the node's connection limit
                        return;
                    }
                }
            } catch (IOException closed) {
                // the benchmark closed the socket
            }
        });
    }

    static void webSocket(Socket socket, String channel, Counts counts) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET /channels/ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(maskedTextFrame("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}"));
        out.flush();
        Thread.ofVirtual().start(() -> {
            try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
                while (!readLine(in).isEmpty()) {
                    // the 101 answer's headers
                }
                while (true) {
                    int opcode = in.readUnsignedByte() & 0x0F;
                    int length = in.readUnsignedByte() & 0x7F;
                    long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
                    String payload = opcode == 1 ? new String(in.readNBytes((int) size), StandardCharsets.UTF_8) : null;
                    if (opcode != 1) {
                        byte[] other = in.readNBytes((int) size);
                        if (opcode == 8) {
                            if (other.length >= 2 && ((other[0] & 0xFF) << 8 | (other[1] & 0xFF)) == 1013) {
                                counts.refused.incrementAndGet(); // the node's connection limit
                            }
                            return;
                        }
                    } else if (payload.startsWith("{\"type\":\"message\"")) {
                        counts.delivered.incrementAndGet();
                    } else if (payload.startsWith("{\"type\":\"subscribed\"")) {
                        counts.subscribed.incrementAndGet();
                    }
                }
            } catch (IOException closed) {
                // the benchmark closed the socket
            }
        });
    }

    /** A client's text frame must be masked; the mask here is fixed, which the protocol allows. */
    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("a subscribe frame fits 125 bytes");
        }
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("closed during the handshake");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
