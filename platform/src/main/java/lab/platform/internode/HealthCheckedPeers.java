package lab.platform.internode;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClientsProperties;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.HealthCheckServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Spring Cloud LoadBalancer over a fixed list of interchangeable peers (both id-generator nodes):
 * its {@link HealthCheckServiceInstanceListSupplier} probes every peer's readiness on an interval,
 * and its {@link RoundRobinLoadBalancer} picks the first peer of each call among those that passed
 * their last probe. The probe goes through the kit's {@link InterNodeClient}, so it has a deadline,
 * sees an operator's partition fault like any call, and counts among the trial calls of the peer's
 * half-open breaker (three successes close it), so the breaker closes once the peer is back.
 *
 * <p>The fail-over order after the chosen peer: the other peers that passed, then the ones that
 * failed. A probe can be wrong (an overloaded machine answers late), and trying a dead peer costs
 * a refused connection or an open breaker, so no peer is ever left out of a call entirely; when
 * none passed, the balancer chooses among all of them (the gateway's "panic" routing).
 *
 * <p>Until the first round of probes has answered, every peer counts as ready.
 * {@code lab.internode.peer.ready{service,peer}} is 1 while a peer is in the rotation.
 */
public final class HealthCheckedPeers implements PeerOrder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthCheckedPeers.class);

    /** The path every node of the lab serves its readiness on (the platform's health defaults). */
    public static final String READINESS_PATH = "/actuator/health/readiness";

    private final String serviceId;
    private final List<Peer> peers;
    private final Map<String, Peer> peerByInstanceId = new LinkedHashMap<>();
    private final List<ServiceInstance> instances = new ArrayList<>();
    private final AtomicReference<Set<String>> ready;
    private final HealthCheckServiceInstanceListSupplier healthChecks;
    private final Disposable readyUpdates;
    private final RoundRobinLoadBalancer balancer;

    /**
     * @param probeInterval how often each peer's readiness is probed; a probe that takes longer fails
     * @param probeTimeout  the deadline of one probe (at most the interval)
     */
    public HealthCheckedPeers(String serviceId, List<Peer> peers, InterNodeClient client, Duration probeInterval,
                              Duration probeTimeout, MeterRegistry meters) {
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("no peers of " + serviceId + " to balance over");
        }
        if (probeTimeout.compareTo(probeInterval) > 0) {
            throw new IllegalArgumentException("a probe's timeout (" + probeTimeout + ") must not exceed its interval (" + probeInterval + ")");
        }
        this.serviceId = serviceId;
        this.peers = List.copyOf(peers);
        for (Peer peer : this.peers) {
            var uri = peer.baseUrl();
            int port = uri.getPort() != -1 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
            instances.add(new DefaultServiceInstance(peer.nodeId(), serviceId, uri.getHost(), port, "https".equals(uri.getScheme())));
            peerByInstanceId.put(peer.nodeId(), peer);
        }
        this.ready = new AtomicReference<>(Set.copyOf(peerByInstanceId.keySet()));

        LoadBalancerClientsProperties settings = new LoadBalancerClientsProperties();
        settings.getHealthCheck().setInterval(probeInterval);
        settings.getHealthCheck().setInitialDelay(Duration.ZERO);
        settings.getHealthCheck().setPath(Map.of("default", READINESS_PATH));
        // One list per completed round, not a growing list per answer: a round's first answer alone
        // would otherwise look like the only ready peer.
        settings.getHealthCheck().setUpdateResultsList(false);
        ServiceInstanceListSupplier configured = new FixedInstances(serviceId, instances);
        this.healthChecks = new HealthCheckServiceInstanceListSupplier(configured, new LoadBalancerClientFactory(settings),
                (instance, path) -> Mono.fromCallable(() -> probe(client, peerByInstanceId.get(instance.getInstanceId()), path, probeTimeout))
                        .subscribeOn(Schedulers.boundedElastic()));
        this.healthChecks.afterPropertiesSet();
        this.readyUpdates = healthChecks.get().subscribe(this::onProbeRound);

        StaticListableBeanFactory candidates = new StaticListableBeanFactory();
        candidates.addBean("candidates", new CandidateInstances(serviceId));
        this.balancer = new RoundRobinLoadBalancer(candidates.getBeanProvider(ServiceInstanceListSupplier.class), serviceId);

        for (Peer peer : this.peers) {
            Gauge.builder("lab.internode.peer.ready", this, self -> self.ready.get().contains(peer.nodeId()) ? 1 : 0)
                    .description("1 while the peer passed its last readiness probe and is in the load balancer's rotation")
                    .tags("service", serviceId, "peer", peer.nodeId()).register(meters);
        }
    }

    @Override
    public List<Peer> peers() {
        return peers;
    }

    @Override
    public List<Peer> forNextCall() {
        Set<String> readyNow = ready.get();
        Response<ServiceInstance> choice = balancer.choose(new DefaultRequest<>()).block();
        List<Peer> order = new ArrayList<>(peers.size());
        if (choice != null && choice.hasServer()) {
            order.add(peerByInstanceId.get(choice.getServer().getInstanceId()));
        }
        for (Peer peer : peers) {
            if (readyNow.contains(peer.nodeId()) && !order.contains(peer)) {
                order.add(peer);
            }
        }
        for (Peer peer : peers) {
            if (!order.contains(peer)) {
                order.add(peer);
            }
        }
        return order;
    }

    /** The peers that passed their last readiness probe (all of them before the first round). */
    public Set<String> readyPeers() {
        return ready.get();
    }

    @Override
    public void close() {
        readyUpdates.dispose();
        healthChecks.destroy();
    }

    private void onProbeRound(List<ServiceInstance> passed) {
        Set<String> now = passed.stream().map(ServiceInstance::getInstanceId).collect(Collectors.toUnmodifiableSet());
        Set<String> before = ready.getAndSet(now);
        for (String peer : peerByInstanceId.keySet()) {
            if (before.contains(peer) && !now.contains(peer)) {
                log.warn("{}: {} failed its readiness probe and left the rotation", serviceId, peer);
            } else if (!before.contains(peer) && now.contains(peer)) {
                log.info("{}: {} passed its readiness probe and is back in the rotation", serviceId, peer);
            }
        }
    }

    private static boolean probe(InterNodeClient client, Peer peer, String path, Duration timeout) {
        try {
            return client.send(InterNodeRequest.get(peer, path, timeout)).status() == 200;
        } catch (InterNodeException unreachable) {
            return false;
        }
    }

    /** The configured peers, as the health checks' source. */
    private record FixedInstances(String serviceId, List<ServiceInstance> instances) implements ServiceInstanceListSupplier {
        @Override
        public String getServiceId() {
            return serviceId;
        }

        @Override
        public Flux<List<ServiceInstance>> get() {
            return Flux.just(instances);
        }
    }

    /** What the round robin chooses among: the peers that passed their last probe, or all when none did. */
    private final class CandidateInstances implements ServiceInstanceListSupplier {
        private final String id;

        CandidateInstances(String id) {
            this.id = id;
        }

        @Override
        public String getServiceId() {
            return id;
        }

        @Override
        public Flux<List<ServiceInstance>> get() {
            Set<String> readyNow = ready.get();
            List<ServiceInstance> passed = instances.stream().filter(i -> readyNow.contains(i.getInstanceId())).toList();
            return Flux.just(passed.isEmpty() ? instances : passed);
        }
    }
}
