package lab.cluster.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import lab.cluster.node.ServiceNode;

/**
 * The address {@code ./cluster up --bind} lets the service nodes listen on: loopback (the default)
 * or the wildcard of every interface ({@code 0.0.0.0}, {@code ::}). Nothing else, because the nodes
 * reach each other, the CLI and the tests reach them at 127.0.0.1, which an address of one
 * other interface would not answer.
 */
final class BindAddress {

    private BindAddress() {
    }

    /** The address as given, or an {@link IllegalArgumentException} that says what is accepted. */
    static String require(String address) {
        if (isLoopbackOrWildcard(address)) {
            return address;
        }
        throw new IllegalArgumentException("--bind takes " + ServiceNode.DEFAULT_BIND_ADDRESS
                + " (this machine only, the default) or 0.0.0.0 / :: (every interface), not '" + address + "'");
    }

    static String describe(String address) {
        return address.equals(ServiceNode.DEFAULT_BIND_ADDRESS)
                ? address + " only   (./cluster up --bind 0.0.0.0 to be reachable from other machines)"
                : address + "   (every interface: other machines reach the nodes' internal APIs too)";
    }

    private static boolean isLoopbackOrWildcard(String address) {
        if (!address.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // an IP literal only: no host name to resolve
        }
        try {
            InetAddress parsed = InetAddress.getByName(address);
            return parsed.isAnyLocalAddress() || address.equals(ServiceNode.DEFAULT_BIND_ADDRESS);
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
