package lab.ratelimit.api;

import lab.ratelimit.limiter.Verdict;

/**
 * The JSON body of a decision.
 *
 * @param allowed      whether the permits were (or, for a look, would be) admitted
 * @param remaining    whole tokens left; in {@code open} mode the full limit (nothing is counted)
 * @param limit        the policy's capacity
 * @param resetSeconds seconds until the bucket is full again
 * @param mode         global, local or open
 */
public record LimitView(boolean allowed, long remaining, long limit, long resetSeconds, String mode) {

    static LimitView of(Verdict verdict) {
        return new LimitView(verdict.allowed(), verdict.decision().remaining(), verdict.policy().capacity(),
                ceilSeconds(verdict.decision().fullInMicros()), verdict.mode().label());
    }

    static long ceilSeconds(long micros) {
        return (micros + 999_999) / 1_000_000;
    }
}
