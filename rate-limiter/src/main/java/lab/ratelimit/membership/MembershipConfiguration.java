package lab.ratelimit.membership;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import lab.platform.identity.NodeIdentity;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.Peer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

/** The other limiter nodes ({@code RATELIMIT_PEERS}, this node may be listed too) and their probing. */
@Configuration(proxyBeanMethods = false)
public class MembershipConfiguration {

    @Bean
    LivePeers livePeers(@Value("${ratelimit.peers:}") String peers, NodeIdentity self, InterNodeClient client,
                        @Value("${ratelimit.peer-probe-timeout-millis:300}") long probeTimeoutMillis,
                        @Value("${ratelimit.peer-stale-after-millis:3000}") long staleAfterMillis,
                        MeterRegistry registry) {
        List<Peer> others = Peer.parseList(peers).stream().filter(p -> !p.nodeId().equals(self.nodeId())).toList();
        return new LivePeers(others, client, Duration.ofMillis(probeTimeoutMillis), Duration.ofMillis(staleAfterMillis),
                System::nanoTime, registry);
    }

    @Bean
    Prober livePeersProber(LivePeers peers) {
        return new Prober(peers);
    }

    static final class Prober {
        private final LivePeers peers;

        Prober(LivePeers peers) {
            this.peers = peers;
        }

        @Scheduled(fixedDelayString = "${ratelimit.peer-probe-millis:1000}")
        void probe() {
            peers.probe();
        }
    }
}
