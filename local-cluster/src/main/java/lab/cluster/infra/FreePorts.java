package lab.cluster.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Ports on 127.0.0.1: picking free ones and asking whether one is being listened on. */
public final class FreePorts {

    private static final int CONNECT_TIMEOUT_MILLIS = 200;

    private FreePorts() {
    }

    /** One port that was free a moment ago. */
    public static int pick() {
        return pick(1).getFirst();
    }

    /**
     * {@code count} distinct ports that were free a moment ago. All sockets are held open
     * together so the kernel cannot hand out the same port twice.
     */
    public static List<Integer> pick(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                socket.setReuseAddress(true);
                sockets.add(socket);
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pick " + count + " free ports", e);
        } finally {
            sockets.forEach(FreePorts::closeQuietly);
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
