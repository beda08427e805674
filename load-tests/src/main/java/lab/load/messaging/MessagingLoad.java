package lab.load.messaging;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatling.http.action.sse.SseInboundMessage;
import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.http.response.Response;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import lab.load.LoadSettings;
import lab.load.Loads;
import lab.load.ServiceLoad;
import lab.load.Targets;
import lab.load.check.HttpAnswers;
import lab.load.check.Json;
import lab.load.check.RunChecks;

/**
 * Publishers at the run's rate over {@code load.messaging.channels} (4) channels of this run, and
 * subscribers connected first: {@code ws-subscribers} (2) WebSocket connections subscribed to every
 * channel and {@code sse-subscribers} (2) SSE streams of one channel each. Subscribers count gaps and
 * duplicates in each channel's consecutive sequence numbers and measure publish→deliver latency as
 * the events arrive; at the end every acknowledged message must have reached every subscriber of
 * its channel. A share of publishes is retried with its Idempotency-Key ({@code retry-share}, 0.05)
 * and must come back as the same message.
 */
public final class MessagingLoad implements ServiceLoad {

    private static final Duration POLL = Duration.ofMillis(250);
    private static final int UNMATCHED_BUFFER = 100_000;

    private final RunChecks checks;
    private final Deliveries deliveries;
    private final List<String> channels;
    private final int wsSubscribers = LoadSettings.integer("messaging.ws-subscribers", 2);
    private final int sseSubscribers = LoadSettings.integer("messaging.sse-subscribers", 2);
    private final double retryShare = LoadSettings.number("messaging.retry-share", 0.05);
    /** Subscribers connect this long before the first publish. */
    private final Duration lead = LoadSettings.duration("messaging.subscribe-lead", Duration.ofSeconds(2));
    /** After the last publish, subscribers wait at most this long for what is still owed to them. */
    private final Duration drain = LoadSettings.duration("messaging.drain", Duration.ofSeconds(15));
    private final AtomicLong subscribersStartedAt = new AtomicLong();
    private Duration publishing = Duration.ZERO;

    public MessagingLoad(RunChecks checks, String runId) {
        this.checks = checks;
        this.deliveries = new Deliveries(checks);
        this.channels = IntStream.range(0, LoadSettings.integer("messaging.channels", 4)).mapToObj(i -> "load-" + runId + "-c" + i).toList();
    }

    /** Subscribers at once, then publishers at the rate after the lead. */
    @Override
    public List<PopulationBuilder> populations(LoadSettings settings, double usersPerSecond, Duration duration) {
        this.publishing = duration;
        HttpProtocolBuilder protocol = Loads.protocol(settings.targets().of(Targets.Service.MESSAGING))
                .wsUnmatchedInboundMessageBufferSize(UNMATCHED_BUFFER)
                .sseUnmatchedInboundMessageBufferSize(UNMATCHED_BUFFER);
        List<PopulationBuilder> populations = new ArrayList<>();
        populations.add(publishers().injectOpen(nothingFor(lead), constantUsersPerSec(usersPerSecond).during(duration).randomized())
                .protocols(protocol));
        if (wsSubscribers > 0) {
            populations.add(webSocketSubscribers().injectOpen(atOnceUsers(wsSubscribers)).protocols(protocol));
        }
        if (sseSubscribers > 0) {
            populations.add(sseSubscribers().injectOpen(atOnceUsers(sseSubscribers)).protocols(protocol));
        }
        return populations;
    }

    @Override
    public void judge() {
        deliveries.judge();
    }

    ScenarioBuilder publishers() {
        return scenario("messaging publishers")
                .exec(session -> session.set("channel", channels.get(ThreadLocalRandom.current().nextInt(channels.size())))
                        .set("key", UUID.randomUUID().toString()))
                .exec(publish(HttpAnswers.observe(publishRequest("POST /channels/{c}/messages")
                        .check(jmesPath("id").optional().saveAs("messageId")), checks, "POST /channels/{c}/messages", Set.of(201),
                        (response, session) -> {
                            JsonNode message = Json.parse(response.body().string());
                            deliveries.acknowledged(message.path("channel").asText(), seqOf(message));
                        })))
                .doIf(s -> s.contains("messageId") && Loads.chance(retryShare)).then(publish(HttpAnswers.observe(
                        publishRequest("POST /channels/{c}/messages (retry)"), checks, "POST /channels/{c}/messages (retry)",
                        Set.of(200, 201), this::judgeRetry)));
    }

    /** Counts the publish as in flight until it answered or failed, so subscribers know when nothing more can be owed. */
    private ChainBuilder publish(io.gatling.javaapi.http.HttpRequestActionBuilder request) {
        return exec(session -> {
            deliveries.publishing();
            return session;
        }).exec(request).exec(session -> {
            deliveries.published();
            return session;
        });
    }

    private io.gatling.javaapi.http.HttpRequestActionBuilder publishRequest(String name) {
        return http(name).post(s -> "/channels/" + s.getString("channel") + "/messages")
                .header("Idempotency-Key", s -> s.getString("key"))
                .body(StringBody(s -> "{\"sender\":\"load-" + s.userId() + "\",\"text\":\"hello from the load test\"}"));
    }

    private void judgeRetry(Response response, Session session) {
        JsonNode message = Json.parse(response.body().string());
        String first = session.getString("messageId");
        if (!first.equals(message.path("id").asText())) {
            checks.anomaly("messaging.duplicate-publish", "a retry with Idempotency-Key " + session.getString("key") + " created "
                    + message.path("id").asText() + " (#" + seqOf(message) + ") besides " + first);
            deliveries.acknowledged(message.path("channel").asText(), seqOf(message));
        } else {
            checks.count("messaging.publish-replays");
        }
    }

    ScenarioBuilder webSocketSubscribers() {
        return scenario("messaging websocket subscribers")
                .exec(this::startSubscriber)
                .exec(ws("subscribe over WebSocket").connect("/channels/ws"))
                .foreach(channels, "channel").on(exec(session -> {
                    deliveries.tracker(session.getString("subscriber"), session.getString("channel"));
                    return session;
                }).exec(ws("subscribe over WebSocket").sendText(s -> "{\"type\":\"subscribe\",\"channel\":\"" + s.getString("channel") + "\"}")))
                .asLongAs(this::stillListening).on(pause(POLL).exec(ws.processUnmatchedMessages(this::webSocketFrames)))
                .exec(ws.processUnmatchedMessages(this::webSocketFrames))
                .exec(ws("subscribe over WebSocket").close());
    }

    ScenarioBuilder sseSubscribers() {
        return scenario("messaging sse subscribers")
                .exec(this::startSubscriber)
                .exec(session -> {
                    String channel = channels.get((int) (session.userId() % channels.size()));
                    deliveries.tracker(session.getString("subscriber"), channel);
                    return session.set("channel", channel);
                })
                .exec(sse("stream over SSE").get(s -> "/channels/" + s.getString("channel") + "/stream"))
                .asLongAs(this::stillListening).on(pause(POLL).exec(sse.processUnmatchedMessages(this::sseEvents)))
                .exec(sse.processUnmatchedMessages(this::sseEvents))
                .exec(sse("stream over SSE").close());
    }

    private Session startSubscriber(Session session) {
        subscribersStartedAt.compareAndSet(0, System.currentTimeMillis());
        return session.set("subscriber", session.scenario().contains("websocket") ? "ws-" + session.userId() : "sse-" + session.userId());
    }

    /** Until publishing is over and this subscriber has all it is owed, or the drain time ran out. */
    private boolean stillListening(Session session) {
        long publishEnd = subscribersStartedAt.get() + lead.toMillis() + publishing.toMillis();
        long now = System.currentTimeMillis();
        if (now < publishEnd || deliveries.publishesInFlight()) {
            return now < publishEnd + drain.toMillis();
        }
        return !deliveries.caughtUp(session.getString("subscriber")) && now < publishEnd + drain.toMillis();
    }

    private Session webSocketFrames(List<WsInboundMessage> frames, Session session) {
        for (WsInboundMessage frame : frames) {
            if (frame instanceof WsInboundMessage.Text text) {
                JsonNode json = Json.parse(text.message());
                String type = json.path("type").asText();
                deliveries.event(session.getString("subscriber"), type, type.equals("message") ? json.path("message") : json, frame.timestamp());
            }
        }
        return session;
    }

    /**
     * Gatling hands SSE events over as JSON, {@code {"event":"message","id":"7","data":{…}}}: data that
     * is a JSON object stays one, anything else becomes a string.
     */
    private Session sseEvents(List<SseInboundMessage> events, Session session) {
        for (SseInboundMessage event : events) {
            JsonNode json = Json.parse(event.message());
            JsonNode data = json.path("data");
            if (data.isTextual() && data.asText().startsWith("{")) {
                data = Json.parse(data.asText());
            }
            if (data.isObject()) {
                deliveries.event(session.getString("subscriber"), json.path("event").asText("message"), data, event.timestamp());
            }
        }
        return session;
    }

    private static long seqOf(JsonNode message) {
        return message.has("seq") ? message.path("seq").asLong() : message.path("sequence").asLong();
    }
}
