package lab.payments.idempotency;

/** What claiming an Idempotency-Key found. */
public sealed interface KeyClaim {

    /** The key is new: this request executes. */
    record Claimed() implements KeyClaim {
    }

    /** A request with this key already finished: answer with its stored response. */
    record Completed(StoredResponse response) implements KeyClaim {
    }

    /** The first request with this key is still executing (or waiting for recovery). */
    record InFlight() implements KeyClaim {
    }

    /** The key was first used for a different request. */
    record Mismatch(String firstMethod, String firstPath) implements KeyClaim {
    }
}
