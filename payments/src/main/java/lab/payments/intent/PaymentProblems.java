package lab.payments.intent;

import lab.platform.problem.ProblemType;
import org.springframework.http.HttpStatus;

/** The payment API's problem types; each slug is a public contract. */
public final class PaymentProblems {

    public static final ProblemType INVALID_AMOUNT = new ProblemType("invalid-amount", HttpStatus.BAD_REQUEST, "Invalid amount");
    public static final ProblemType UNSUPPORTED_CURRENCY = new ProblemType("unsupported-currency", HttpStatus.BAD_REQUEST, "Unsupported currency");
    public static final ProblemType INVALID_CAPTURE_MODE = new ProblemType("invalid-capture-mode", HttpStatus.BAD_REQUEST, "Invalid capture mode");
    public static final ProblemType UNKNOWN_ACCOUNT = new ProblemType("unknown-account", HttpStatus.UNPROCESSABLE_CONTENT, "Unknown account");
    public static final ProblemType ACCOUNT_MISMATCH = new ProblemType("account-mismatch", HttpStatus.UNPROCESSABLE_CONTENT, "Account cannot take part in this payment");
    public static final ProblemType BALANCE_LIMIT_REACHED = new ProblemType("balance-limit-reached", HttpStatus.UNPROCESSABLE_CONTENT, "Account balance limit reached");
    public static final ProblemType PAYMENT_NOT_FOUND = new ProblemType("payment-not-found", HttpStatus.NOT_FOUND, "Payment not found");
    public static final ProblemType INVALID_STATE = new ProblemType("invalid-state-transition", HttpStatus.CONFLICT, "Not allowed in the payment's state");
    public static final ProblemType OPERATION_IN_PROGRESS = new ProblemType("payment-operation-in-progress", HttpStatus.CONFLICT, "Another operation on this payment is in progress");
    public static final ProblemType AMOUNT_ABOVE_AUTHORIZED = new ProblemType("amount-above-authorized", HttpStatus.UNPROCESSABLE_CONTENT, "Capture above the authorized amount");
    public static final ProblemType AMOUNT_ABOVE_CAPTURED = new ProblemType("amount-above-captured", HttpStatus.UNPROCESSABLE_CONTENT, "Refund above what is left of the captured amount");
    public static final ProblemType PROCESSOR_UNAVAILABLE = new ProblemType("processor-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Processor outcome not known yet");
    // Stored and replayed answers (the processor decided):
    public static final ProblemType CARD_DECLINED = new ProblemType("card-declined", HttpStatus.PAYMENT_REQUIRED, "Card declined");
    public static final ProblemType PAYMENT_FAILED = new ProblemType("payment-failed", HttpStatus.PAYMENT_REQUIRED, "Payment failed at the processor");
    public static final ProblemType PROCESSOR_REFUSED = new ProblemType("processor-refused", HttpStatus.BAD_GATEWAY, "Processor refused the operation");

    private PaymentProblems() {
    }
}
