package lab.payments.intent;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.payments.idempotency.StoredResponse;
import lab.payments.outbox.OutboxEvent;
import lab.platform.internode.TracePropagation;
import lab.platform.problem.ProblemType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders payments as the API shows them and as events carry them. Stored responses are rendered
 * once, when the outcome becomes final, and replayed as those exact bytes.
 */
public final class PaymentResponses {

    private final JsonMapper json;
    private final String nodeId;
    private final TracePropagation tracing;

    public PaymentResponses(JsonMapper json, String nodeId, TracePropagation tracing) {
        this.json = json;
        this.nodeId = nodeId;
        this.tracing = tracing;
    }

    public Map<String, Object> view(Payment p) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", p.id());
        view.put("object", "payment");
        view.put("state", p.state().wire());
        view.put("amount", p.amountMinor());
        view.put("currency", p.currency());
        view.put("customer", p.customerId());
        view.put("merchant", p.merchantId());
        view.put("capture", p.automaticCapture() ? "automatic" : "manual");
        view.put("description", p.description());
        view.put("amountCaptured", p.capturedMinor());
        view.put("amountRefunded", p.refundedMinor());
        view.put("fee", p.feeMinor());
        view.put("failureReason", p.failureReason());
        view.put("version", p.version());
        view.put("createdAt", p.createdAt());
        return view;
    }

    public Map<String, Object> viewWithOperations(Payment p, List<Operation> operations) {
        Map<String, Object> view = view(p);
        view.put("operations", operations.stream().map(op -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", op.id());
            o.put("kind", op.kind());
            o.put("amount", op.amountMinor());
            o.put("status", op.status());
            o.put("reason", op.reason());
            o.put("attempts", op.attempts());
            return o;
        }).toList());
        return view;
    }

    StoredResponse success(int status, Payment p) {
        return new StoredResponse(status, "application/json", json.writeValueAsString(view(p)));
    }

    StoredResponse problem(ProblemType type, String detail, Payment p, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.uri().toString());
        body.put("title", type.title());
        body.put("status", type.status().value());
        body.put("detail", detail);
        body.put("node", nodeId);
        body.put("paymentId", p.id());
        body.put("reason", reason);
        body.put("payment", view(p));
        return new StoredResponse(type.status().value(), "application/problem+json", json.writeValueAsString(body));
    }

    /**
     * The event of a transition. It names the merchant (the message queue notifies it in
     * {@code merchant-{merchantId}}) and carries the trace of the request that caused it, in the
     * payload ({@code traceId}) and for the Kafka record's {@code traceparent} header.
     */
    OutboxEvent event(String eventId, Payment after, String from, String transactionId) {
        String type = "payment." + after.state().wire();
        String traceparent = tracing.currentTraceparent();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("eventId", eventId);
        body.put("type", type);
        body.put("paymentId", after.id());
        body.put("merchantId", after.merchantId());
        body.put("customerId", after.customerId());
        body.put("paymentVersion", after.version());
        body.put("from", from);
        body.put("to", after.state().wire());
        body.put("transactionId", transactionId);
        body.put("amount", after.amountMinor());
        body.put("currency", after.currency());
        body.put("amountCaptured", after.capturedMinor());
        body.put("amountRefunded", after.refundedMinor());
        body.put("reason", after.failureReason());
        body.put("occurredAt", Instant.now().toString());
        // traceparent is "00-<trace id>-<span id>-<flags>".
        body.put("traceId", traceparent == null ? null : traceparent.split("-")[1]);
        return new OutboxEvent(eventId, after.id(), transactionId, type, from, after.state().wire(), json.writeValueAsString(body),
                traceparent);
    }
}
