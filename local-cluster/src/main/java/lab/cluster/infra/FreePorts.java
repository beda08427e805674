package lab.cluster.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Ports on 127.0.0.1: picking free ones and asking whether one is being listened on. */
public final class FreePorts {

    private static final int CONNECT_TIMEOUT_MILLIS = 200;
    /** Above the well-known and registered ports that servers on a workstation commonly hold. */
    private static final int LOWEST = 20000;
    private static final int EPHEMERAL_START = ephemeralRangeStart();
    private static final Random RANDOM = new SecureRandom();
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /** One port that was free a moment ago. */
    public static int pick() {
        return pick(1).getFirst();
    }

    /**
     * {@code count} distinct ports that were free a moment ago, drawn at random from below the
     * kernel's ephemeral range. Port 0 would hand out ports from inside that range, where any
     * outgoing connection (a Kafka client, a test's HTTP call) can take the port between the pick
     * and the server's bind. All sockets are held open together so no port is returned twice,
     * and a JVM never hands out a port it handed out before.
     */
    public static synchronized List<Integer> pick(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int attempts = 0;
            while (sockets.size() < count) {
                if (++attempts > count * 200) {
                    throw new IOException("no free port found below the ephemeral range after " + attempts + " attempts");
                }
                int port = LOWEST + RANDOM.nextInt(EPHEMERAL_START - LOWEST);
                if (HANDED_OUT.contains(port)) {
                    continue;
                }
                try {
                    ServerSocket socket = new ServerSocket();
                    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                    sockets.add(socket);
                } catch (IOException taken) {
                    // in use: draw another
                }
            }
            List<Integer> ports = sockets.stream().map(ServerSocket::getLocalPort).toList();
            HANDED_OUT.addAll(ports);
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pick " + count + " free ports", e);
        } finally {
            sockets.forEach(FreePorts::closeQuietly);
        }
    }

    /** Where Linux starts handing out ports to outgoing connections (32768 unless tuned). */
    private static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOWEST + 1000 ? start : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the port is released either way
        }
    }
}
