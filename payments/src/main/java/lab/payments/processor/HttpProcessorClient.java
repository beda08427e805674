package lab.payments.processor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.InterNodeException;
import lab.platform.internode.InterNodeRequest;
import lab.platform.internode.InterNodeResponse;
import lab.platform.internode.Peer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The processor over HTTP through the platform's inter-node client: a deadline on every call,
 * retries of the (idempotent, request-ID keyed) POST on connection failures and 502/503/504, and
 * the breaker {@code internode-processor}. Metric {@code payments.processor.calls{operation,outcome}}.
 */
public final class HttpProcessorClient implements ProcessorClient {

    private final InterNodeClient client;
    private final Peer processor;
    private final JsonMapper json;
    private final Duration callTimeout;
    private final MeterRegistry meters;

    public HttpProcessorClient(InterNodeClient client, Peer processor, JsonMapper json, Duration callTimeout, MeterRegistry meters) {
        this.client = client;
        this.processor = processor;
        this.json = json;
        this.callTimeout = callTimeout;
        this.meters = meters;
    }

    @Override
    public ProcessorOutcome execute(ProcessorCall call) {
        byte[] body = json.writeValueAsBytes(Map.of("requestId", call.requestId(), "kind", call.kind(), "paymentRef", call.paymentRef(),
                "amountMinor", call.amountMinor(), "currency", call.currency(), "capture", call.capture()));
        return timed(call.kind(), () -> decode(client.send(InterNodeRequest.post(processor, "/operations", callTimeout)
                .idempotent().body(body, "application/json")), false));
    }

    @Override
    public ProcessorOutcome lookup(String requestId) {
        return timed("lookup", () -> decode(client.send(InterNodeRequest.get(processor, "/operations/" + requestId, callTimeout)), true));
    }

    @Override
    public List<ProcessorRecord> listAll() {
        List<ProcessorRecord> all = new ArrayList<>();
        long afterSeq = 0;
        while (true) {
            InterNodeResponse response = client.send(InterNodeRequest.get(processor, "/operations?limit=5000&afterSeq=" + afterSeq, Duration.ofSeconds(10)));
            if (!response.isSuccess()) {
                throw new IllegalStateException("processor answered " + response.status() + " to the reconciliation listing");
            }
            JsonNode page = json.readTree(response.body());
            JsonNode operations = page.get("operations");
            if (operations.isEmpty()) {
                return all;
            }
            for (JsonNode op : operations) {
                all.add(new ProcessorRecord(op.get("seq").asLong(), op.get("requestId").asString(),
                        op.get("kind").asString().toLowerCase(Locale.ROOT), op.get("paymentRef").asString(), op.get("amountMinor").asLong(),
                        op.get("currency").asString(), op.get("capture").asBoolean(), op.get("status").asString(),
                        op.get("reason").isNull() ? null : op.get("reason").asString()));
            }
            afterSeq = page.get("nextAfterSeq").asLong();
        }
    }

    private ProcessorOutcome decode(InterNodeResponse response, boolean lookup) {
        if (response.status() == 404 && lookup) {
            return new ProcessorOutcome.NeverReceived();
        }
        if (!response.isSuccess()) {
            // 5xx (or a 4xx we did not expect): the processor did not give a decision we can rely on.
            return new ProcessorOutcome.Unknown("processor answered HTTP " + response.status());
        }
        JsonNode result = json.readTree(response.body());
        String status = result.get("status").asString();
        if ("succeeded".equals(status)) {
            return new ProcessorOutcome.Succeeded();
        }
        return new ProcessorOutcome.Refused(status, result.get("reason").asString());
    }

    private ProcessorOutcome timed(String operation, java.util.function.Supplier<ProcessorOutcome> call) {
        long start = System.nanoTime();
        ProcessorOutcome outcome;
        try {
            outcome = call.get();
        } catch (InterNodeException e) {
            outcome = new ProcessorOutcome.Unknown(e.failure().tag() + ": " + e.getMessage());
        }
        Timer.builder("payments.processor.calls").description("Calls to the card processor by operation and outcome")
                .tag("operation", operation).tag("outcome", outcomeTag(outcome))
                .publishPercentileHistogram().register(meters)
                .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        return outcome;
    }

    private static String outcomeTag(ProcessorOutcome outcome) {
        return switch (outcome) {
            case ProcessorOutcome.Succeeded s -> "succeeded";
            case ProcessorOutcome.Refused r -> r.status();
            case ProcessorOutcome.Unknown u -> "unknown";
            case ProcessorOutcome.NeverReceived n -> "not-found";
        };
    }
}
