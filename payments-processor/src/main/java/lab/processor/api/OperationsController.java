package lab.processor.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import lab.processor.charges.CardPaymentTotals;
import lab.processor.charges.OperationKind;
import lab.processor.charges.OperationRequest;
import lab.processor.charges.OperationResult;
import lab.processor.charges.SimulatedProcessor;
import lab.processor.drills.ProcessorDrills;
import lab.platform.problem.ProblemType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The processor's API: {@code POST /operations} executes (idempotent on {@code requestId}),
 * {@code GET /operations/{requestId}} answers "did you get my request, and what happened?",
 * {@code GET /operations?afterSeq=} lists every decision for reconciliation.
 */
@RestController
class OperationsController {

    private static final Logger log = LoggerFactory.getLogger(OperationsController.class);
    static final ProblemType INVALID_OPERATION = new ProblemType("invalid-operation", HttpStatus.BAD_REQUEST, "Invalid processor operation");
    static final ProblemType REQUEST_ID_REUSED = new ProblemType("request-id-reused", HttpStatus.UNPROCESSABLE_CONTENT, "Request ID reused with other parameters");
    static final ProblemType OPERATION_NOT_FOUND = new ProblemType("operation-not-found", HttpStatus.NOT_FOUND, "No operation with this request ID");
    static final ProblemType DRILL_TIMEOUT = new ProblemType("drill-timeout", HttpStatus.GATEWAY_TIMEOUT, "Held back by the timeout drill");

    record OperationBody(String requestId, String kind, String paymentRef, Long amountMinor, String currency, Boolean capture) {
    }

    record OperationPage(List<OperationResult> operations, long nextAfterSeq) {
    }

    private final SimulatedProcessor processor;
    private final ProcessorDrills drills;
    private final MeterRegistry meters;
    private final long hangMillis;

    OperationsController(SimulatedProcessor processor, ProcessorDrills drills, MeterRegistry meters,
                         @Value("${processor.hang-millis:15000}") long hangMillis) {
        this.processor = processor;
        this.drills = drills;
        this.meters = meters;
        this.hangMillis = hangMillis;
    }

    @PostMapping("/operations")
    OperationResult execute(@RequestBody OperationBody body) throws InterruptedException {
        OperationRequest request = parse(body);
        if (drills.timeoutBeforeDeciding()) {
            count(request.kind(), "timeout-drill");
            log.info("drill: holding {} {} for {} ms without deciding", request.kind(), request.requestId(), hangMillis);
            Thread.sleep(hangMillis);
            throw DRILL_TIMEOUT.exception("the timeout drill held this request for " + hangMillis + " ms; nothing was charged");
        }
        SimulatedProcessor.Execution execution;
        try {
            execution = processor.execute(request);
        } catch (SimulatedProcessor.ConflictingRequestException e) {
            throw REQUEST_ID_REUSED.exception(e.getMessage());
        }
        OperationResult result = execution.result();
        count(request.kind(), execution.replayed() ? "replayed" : result.status());
        log.info("{} {} for {} {} {}: {}{}", request.kind(), request.requestId(), request.paymentRef(), request.amountMinor(),
                request.currency(), result.status(), execution.replayed() ? " (replayed)" : "");
        if (!execution.replayed() && result.succeeded() && drills.timeoutAfterSuccess()) {
            // The charge is made and journaled; only the answer is lost, the case a caller must survive.
            count(request.kind(), "timeout-after-success-drill");
            log.info("drill: {} succeeded, holding the answer back for {} ms", request.requestId(), hangMillis);
            Thread.sleep(hangMillis);
        }
        return result;
    }

    @GetMapping("/operations/{requestId}")
    OperationResult find(@PathVariable String requestId) {
        return processor.find(requestId).orElseThrow(() -> OPERATION_NOT_FOUND.exception("the processor never received request " + requestId));
    }

    @GetMapping("/operations")
    OperationPage list(@RequestParam(defaultValue = "0") long afterSeq, @RequestParam(defaultValue = "1000") int limit) {
        if (afterSeq < 0 || limit < 1 || limit > 10_000) {
            throw INVALID_OPERATION.exception("afterSeq must be >= 0 and limit 1..10000");
        }
        List<OperationResult> page = processor.listAfter(afterSeq, limit);
        return new OperationPage(page, page.isEmpty() ? afterSeq : page.getLast().seq());
    }

    @GetMapping("/charges/{paymentRef}")
    CardPaymentTotals totals(@PathVariable String paymentRef) {
        return processor.totals(paymentRef);
    }

    private static OperationRequest parse(OperationBody body) {
        if (body.kind() == null || body.amountMinor() == null && !"void".equalsIgnoreCase(body.kind())) {
            throw INVALID_OPERATION.exception("kind and amountMinor are required");
        }
        try {
            OperationKind kind = OperationKind.valueOf(body.kind().toUpperCase(Locale.ROOT));
            return new OperationRequest(body.requestId(), kind, body.paymentRef(), body.amountMinor() == null ? 0 : body.amountMinor(),
                    body.currency(), Boolean.TRUE.equals(body.capture()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw INVALID_OPERATION.exception(e.getMessage() == null ? "invalid operation" : e.getMessage());
        }
    }

    private void count(OperationKind kind, String outcome) {
        Counter.builder("processor.operations").description("Operations the simulated processor answered, by kind and outcome")
                .tag("kind", kind.name().toLowerCase(Locale.ROOT)).tag("outcome", outcome).register(meters).increment();
    }
}
