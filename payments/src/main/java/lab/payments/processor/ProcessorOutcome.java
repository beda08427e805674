package lab.payments.processor;

/** What a processor call or lookup established. Only {@link Unknown} leaves the operation pending. */
public sealed interface ProcessorOutcome {

    /** The processor moved the money. */
    record Succeeded() implements ProcessorOutcome {
    }

    /** The processor answered and moved nothing: {@code status} is {@code declined} or {@code failed}. */
    record Refused(String status, String reason) implements ProcessorOutcome {
    }

    /** No answer (timeout, connection refused, breaker open, 5xx): the money may or may not have moved. */
    record Unknown(String why) implements ProcessorOutcome {
    }

    /** A lookup found no such request: the processor never received it, so it is safe to send. */
    record NeverReceived() implements ProcessorOutcome {
    }
}
