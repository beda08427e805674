package lab.gateway.ratelimit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The address a request is charged to. It is the TCP peer of the connection, which a client cannot
 * choose by what it writes into the request. {@code X-Forwarded-For} counts only when that peer is a
 * configured trusted proxy ({@code gateway.rate-limit.trusted-proxies}, none by default): then the
 * header is read from the right, skipping trusted proxies, and the first address that is not one is
 * the client. An entry that is not an IP literal ends the walk at the last trusted hop, so a forged
 * or garbled header never yields an address of the caller's choosing beyond what the proxy vouched for.
 */
final class ClientAddresses {

    static final String FORWARDED_FOR = "X-Forwarded-For";

    private final Set<InetAddress> trustedProxies;

    ClientAddresses(Set<InetAddress> trustedProxies) {
        this.trustedProxies = Set.copyOf(trustedProxies);
    }

    /** Parses IP literals (never resolves a name); a malformed entry stops the gateway at startup. */
    static ClientAddresses trusting(List<String> proxies) {
        return new ClientAddresses(proxies.stream().map(String::strip).filter(p -> !p.isEmpty())
                .map(p -> {
                    try {
                        return InetAddress.ofLiteral(p);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("gateway.rate-limit.trusted-proxies: '" + p + "' is not an IP address", e);
                    }
                }).collect(java.util.stream.Collectors.toSet()));
    }

    String of(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null || remote.getAddress() == null) {
            return "unknown";
        }
        InetAddress client = remote.getAddress();
        if (!trustedProxies.isEmpty()) {
            List<String> hops = new ArrayList<>();
            request.getHeaders().getOrEmpty(FORWARDED_FOR).forEach(value -> hops.addAll(List.of(value.split(","))));
            for (int i = hops.size() - 1; i >= 0 && trustedProxies.contains(client); i--) {
                try {
                    client = InetAddress.ofLiteral(hops.get(i).strip());
                } catch (IllegalArgumentException notAnAddress) {
                    break;
                }
            }
        }
        return client.getHostAddress();
    }
}
