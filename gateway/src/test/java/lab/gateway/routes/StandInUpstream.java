package lab.gateway.routes;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Small real HTTP servers standing in for services that are not built yet: a message-queue node
 * (WebSocket echo, an SSE stream slower than the route timeout), a node that echoes the trace
 * header it received, and a rate-limiter that admits everything.
 */
public final class StandInUpstream {

    static final AtomicInteger LIMITER_CALLS = new AtomicInteger();

    private StandInUpstream() {
    }

    public static DisposableServer service() {
        return HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .get("/ids/echo-trace", (req, res) -> res.sendString(Mono.just(String.valueOf(req.requestHeaders().get("traceparent")))))
                        .ws("/channels/ws", (in, out) -> out.sendString(in.receive().asString().map(text -> "echo:" + text)))
                        .get("/channels/demo/events", (req, res) -> res.header("Content-Type", "text/event-stream")
                                .sendString(Flux.interval(Duration.ofMillis(400)).take(4).map(n -> "id: " + n + "\ndata: event-" + n + "\n\n"))))
                .bindNow();
    }

    public static DisposableServer limiter() {
        return HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .post("/internal/limits/{policy}/{key}/acquire", (req, res) -> {
                            LIMITER_CALLS.incrementAndGet();
                            return res.header("RateLimit-Policy", "\"" + req.param("policy") + "\";q=100;w=10")
                                    .header("RateLimit", "\"" + req.param("policy") + "\";r=99;t=1")
                                    .header("X-RateLimit-Mode", "global")
                                    .header("Content-Type", "application/json")
                                    .sendString(Mono.just("{\"allowed\":true}"));
                        })
                        .get("/internal/api-keys", (req, res) -> res.header("Content-Type", "application/json")
                                .sendString(Mono.just("{\"ids\":[],\"count\":0}")))
                        .get("/admin/policies", (req, res) -> res.header("Content-Type", "application/json")
                                .sendString(Mono.just("{\"policies\":[{\"name\":\"edge-default\",\"capacity\":100,\"refillPerSecond\":10,\"failureMode\":\"local\"}]}")))
                        .get("/actuator/health/readiness", (req, res) -> res.sendString(Mono.just("{\"status\":\"UP\"}"))))
                .bindNow();
    }
}
