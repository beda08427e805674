package lab.payments.intent;

import lab.payments.idempotency.IdempotencyProblems;
import lab.payments.idempotency.IdempotentAnswers;
import lab.payments.ledger.AccountIds;
import lab.platform.problem.CommonProblems;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The payment API. Every POST needs an Idempotency-Key. */
@RestController
class PaymentsController {

    record CreateBody(JsonNode amount, String currency, String customer, String merchant, String capture, String description) {
    }

    record AmountBody(JsonNode amount) {
    }

    record EmptyBody() {
    }

    private final PaymentCommands commands;
    private final PaymentStore payments;
    private final OperationStore operations;
    private final PaymentResponses responses;

    PaymentsController(PaymentCommands commands, PaymentStore payments, OperationStore operations, PaymentResponses responses) {
        this.commands = commands;
        this.payments = payments;
        this.operations = operations;
        this.responses = responses;
    }

    @PostMapping("/payments")
    ResponseEntity<String> create(@RequestHeader(value = IdempotentAnswers.KEY_HEADER, required = false) String key,
                                  @RequestBody CreateBody body) {
        IdempotencyProblems.requireValidKey(key);
        long amount = AmountParsing.positiveMinor(body.amount(), "amount");
        String currency = AmountParsing.currency(body.currency());
        String capture = body.capture() == null ? "automatic" : body.capture();
        if (!capture.equals("automatic") && !capture.equals("manual")) {
            throw PaymentProblems.INVALID_CAPTURE_MODE.exception("capture must be 'automatic' or 'manual', got '" + capture + "'").with("field", "capture");
        }
        requireAccountId(body.customer(), "customer");
        requireAccountId(body.merchant(), "merchant");
        if (body.description() != null && body.description().length() > 500) {
            throw CommonProblems.INVALID_FIELD.exception("description is at most 500 characters").with("field", "description");
        }
        var answer = commands.create(key, new PaymentCommands.CreatePayment(amount, currency, body.customer(), body.merchant(),
                capture.equals("automatic"), body.description()));
        return IdempotentAnswers.toHttp(answer.response(), answer.replayed());
    }

    @PostMapping("/payments/{id}/capture")
    ResponseEntity<String> capture(@RequestHeader(value = IdempotentAnswers.KEY_HEADER, required = false) String key,
                                   @PathVariable String id, @RequestBody(required = false) AmountBody body) {
        IdempotencyProblems.requireValidKey(key);
        Long amount = body == null || body.amount() == null || body.amount().isNull() ? null : AmountParsing.positiveMinor(body.amount(), "amount");
        var answer = commands.capture(key, id, amount);
        return IdempotentAnswers.toHttp(answer.response(), answer.replayed());
    }

    @PostMapping("/payments/{id}/cancel")
    ResponseEntity<String> cancel(@RequestHeader(value = IdempotentAnswers.KEY_HEADER, required = false) String key,
                                  @PathVariable String id, @RequestBody(required = false) EmptyBody body) {
        IdempotencyProblems.requireValidKey(key);
        var answer = commands.cancel(key, id);
        return IdempotentAnswers.toHttp(answer.response(), answer.replayed());
    }

    @PostMapping("/payments/{id}/refunds")
    ResponseEntity<String> refund(@RequestHeader(value = IdempotentAnswers.KEY_HEADER, required = false) String key,
                                  @PathVariable String id, @RequestBody AmountBody body) {
        IdempotencyProblems.requireValidKey(key);
        long amount = AmountParsing.positiveMinor(body.amount(), "amount");
        var answer = commands.refund(key, id, amount);
        return IdempotentAnswers.toHttp(answer.response(), answer.replayed());
    }

    @GetMapping("/payments/{id}")
    java.util.Map<String, Object> get(@PathVariable String id) {
        Payment payment = payments.find(id).orElseThrow(() -> PaymentProblems.PAYMENT_NOT_FOUND.exception("no payment " + id));
        return responses.viewWithOperations(payment, operations.forPayment(id));
    }

    private static void requireAccountId(String value, String field) {
        if (value == null || value.isBlank()) {
            throw CommonProblems.INVALID_FIELD.exception(field + " is required: an account ID such as " + (field.equals("customer") ? "cust_1" : "merch_1"))
                    .with("field", field);
        }
        if (!AccountIds.isValid(value)) {
            throw CommonProblems.INVALID_FIELD.exception(field + " must be an account ID: " + AccountIds.rule()).with("field", field);
        }
    }
}
