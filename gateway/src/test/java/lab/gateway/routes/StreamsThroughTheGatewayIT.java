package lab.gateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import lab.gateway.GatewayApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;

/**
 * WebSocket, SSE and trace propagation through the real gateway (in this JVM, on a real port) to
 * stand-in upstream servers; message-queue is added to the route table by one entry, as it will be
 * in application.yml once the service exists.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class StreamsThroughTheGatewayIT {

    private static final DisposableServer SERVICE = StandInUpstream.service();
    private static final DisposableServer LIMITER = StandInUpstream.limiter();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void routeTable(DynamicPropertyRegistry registry) {
        registry.add("lab.node.id", () -> "gateway");
        registry.add("lab.admin.token", () -> "stand-in-admin-token-0123456789");
        registry.add("gateway.services.id-generator.instances", () -> "idgen-1=http://127.0.0.1:" + SERVICE.port());
        registry.add("gateway.services.rate-limiter.instances", () -> "ratelimit-1=http://127.0.0.1:" + LIMITER.port());
        registry.add("gateway.services.message-queue.instances", () -> "mq-1=http://127.0.0.1:" + SERVICE.port());
        registry.add("gateway.services.message-queue.paths", () -> "/channels/**");
        registry.add("gateway.services.message-queue.policy", () -> "edge-default");
        registry.add("gateway.services.message-queue.timeout", () -> "1s");
        registry.add("gateway.services.message-queue.streaming", () -> "true");
        // The stand-ins answer readiness only where they serve it; check the limiter's, trust the other.
        registry.add("spring.cloud.loadbalancer.health-check.path.id-generator", () -> "/ids/echo-trace");
        registry.add("spring.cloud.loadbalancer.health-check.path.message-queue", () -> "/ids/echo-trace");
    }

    @AfterAll
    static void stopStandIns() {
        SERVICE.disposeNow();
        LIMITER.disposeNow();
    }

    @Test
    void aWebSocketSessionIsProxiedBothWays() {
        List<String> received = new CopyOnWriteArrayList<>();
        new ReactorNettyWebSocketClient().execute(URI.create("ws://127.0.0.1:" + port + "/channels/ws"), session ->
                        session.send(Flux.just("one", "two").map(session::textMessage))
                                .thenMany(session.receive().map(WebSocketMessage::getPayloadAsText).take(2).doOnNext(received::add))
                                .then())
                .block(Duration.ofSeconds(20));
        assertThat(received).containsExactly("echo:one", "echo:two");
    }

    @Test
    void anSseStreamOutlivesTheRouteTimeoutAndArrivesEventByEvent() {
        List<String> events = WebClient.create("http://127.0.0.1:" + port).get().uri("/channels/demo/events")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .map(ServerSentEvent::data)
                .collectList()
                .block(Duration.ofSeconds(20));
        // Four events 400 ms apart: 1.6 s, longer than message-queue's 1 s timeout, which streams do not get.
        assertThat(events).containsExactly("event-0", "event-1", "event-2", "event-3");
    }

    @Test
    void theTraceOfTheClientIsPassedOnAndHandedBack(CapturedOutput output) {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        var response = WebClient.create("http://127.0.0.1:" + port).get().uri("/ids/echo-trace")
                .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
                .retrieve().toEntity(String.class).block(Duration.ofSeconds(20));
        assertThat(response.getBody()).startsWith("00-" + traceId + "-").doesNotContain("b7ad6b7169203331");
        assertThat(response.getHeaders().getFirst("X-Trace-Id")).isEqualTo(traceId);
        assertThat(response.getHeaders().getFirst("X-Gateway-Instance")).isEqualTo("idgen-1");
        assertThat(response.getHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"edge-default\";q=100;w=10");
        assertThat(StandInUpstream.LIMITER_CALLS.get()).isPositive();
        // The access log line is written once the answer is sent, possibly after the client read it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
                .containsPattern("GET /ids/echo-trace -> 200 in \\d+ ms via idgen-1 trace " + traceId));
    }

    @Test
    void operatorPathsAreAnsweredByTheGatewayNotForwarded() {
        var response = WebClient.create("http://127.0.0.1:" + port).get().uri("/internal/ring")
                .exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(20));
        assertThat(response.getStatusCode().value()).isEqualTo(404);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(response.getBody()).contains("\"type\":\"/problems/not-found\"").contains("\"node\":\"gateway\"");
    }
}
