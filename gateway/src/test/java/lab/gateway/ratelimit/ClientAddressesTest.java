package lab.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class ClientAddressesTest {

    private static MockServerHttpRequest from(String peer, String... forwardedFor) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/ids")
                .remoteAddress(new InetSocketAddress(peer, 40000));
        for (String value : forwardedFor) {
            request.header("X-Forwarded-For", value);
        }
        return request.build();
    }

    @Test
    void withoutTrustedProxiesTheClientIsTheTcpPeerWhateverTheHeadersSay() {
        ClientAddresses addresses = ClientAddresses.trusting(List.of());
        assertThat(addresses.of(from("192.0.2.7", "203.0.113.9"))).isEqualTo("192.0.2.7");
        assertThat(addresses.of(from("192.0.2.7", "203.0.113.9, 10.0.0.1", "198.51.100.1"))).isEqualTo("192.0.2.7");
    }

    @Test
    void aTrustedProxysForwardedForIsReadFromTheRightSkippingTrustedHops() {
        ClientAddresses addresses = ClientAddresses.trusting(List.of("10.0.0.1", "10.0.0.2"));
        // The client may put anything on the left; only what the trusted proxies appended counts.
        assertThat(addresses.of(from("10.0.0.1", "6.6.6.6, 203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(addresses.of(from("10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2"))).isEqualTo("203.0.113.9");
        assertThat(addresses.of(from("10.0.0.1", "6.6.6.6", "203.0.113.9"))).as("several header lines are one list").isEqualTo("203.0.113.9");
        assertThat(addresses.of(from("10.0.0.1", "6.6.6.6, not-an-address"))).as("garbage stops at the proxy").isEqualTo("10.0.0.1");
        assertThat(addresses.of(from("10.0.0.1", "evil.example"))).isEqualTo("10.0.0.1");
        assertThat(addresses.of(from("10.0.0.1"))).as("no header: the proxy itself").isEqualTo("10.0.0.1");
        assertThat(addresses.of(from("192.0.2.7", "203.0.113.9"))).as("an untrusted peer's header is ignored").isEqualTo("192.0.2.7");
    }

    @Test
    void trustedProxiesMustBeAddressesNotNames() {
        assertThatThrownBy(() -> ClientAddresses.trusting(List.of("proxy.example"))).hasMessageContaining("not an IP address");
    }
}
