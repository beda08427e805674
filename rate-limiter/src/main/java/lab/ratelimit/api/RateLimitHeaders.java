package lab.ratelimit.api;

import lab.ratelimit.limiter.Verdict;
import org.springframework.http.HttpHeaders;

/**
 * The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): {@code RateLimit-Policy}
 * states the quota ({@code q} tokens per window of {@code w} seconds, the time an empty bucket
 * takes to fill) and {@code RateLimit} the state ({@code r} tokens remaining, {@code t} seconds
 * until the bucket is full again).
 */
final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    static HttpHeaders of(Verdict verdict, LimitView view) {
        HttpHeaders headers = new HttpHeaders();
        String name = "\"" + verdict.policy().name() + "\"";
        headers.add("RateLimit-Policy", name + ";q=" + verdict.policy().capacity() + ";w=" + verdict.policy().windowSeconds());
        headers.add("RateLimit", name + ";r=" + view.remaining() + ";t=" + view.resetSeconds());
        return headers;
    }
}
