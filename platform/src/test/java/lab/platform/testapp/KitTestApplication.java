package lab.platform.testapp;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import lab.platform.internode.InterNodeHeaders;
import lab.platform.problem.ProblemType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A minimal service on the kit, with one endpoint per kind of error the kit must answer. */
@SpringBootApplication
public class KitTestApplication {

    public static final ProblemType QUORUM = new ProblemType("quorum-not-reached", HttpStatus.SERVICE_UNAVAILABLE, "Quorum not reached");

    public record Order(@NotBlank String item, @Positive long amount) {
    }

    /** Changed only by {@code PUT /internal/test/counter}: what the security tests check stayed put. */
    public static final AtomicLong INTERNAL_WRITES = new AtomicLong();

    @RestController
    static class Endpoints {

        /** The body exactly as the handler reads it from the stream, whatever its content type. */
        @PutMapping("/test/raw")
        byte[] rawPut(HttpServletRequest request) throws IOException {
            return request.getInputStream().readAllBytes();
        }

        /** The same for POST, with a query parameter read first: reading it must not consume the body. */
        @PostMapping("/test/raw")
        byte[] rawPost(@RequestParam(name = "tag", required = false) String tag, HttpServletRequest request) throws IOException {
            return request.getInputStream().readAllBytes();
        }

        @GetMapping("/test/number/{n}")
        Map<String, Long> number(@PathVariable long n) {
            return Map.of("n", n);
        }

        @PutMapping("/internal/test/counter")
        Map<String, Long> internalWrite() {
            return Map.of("writes", INTERNAL_WRITES.incrementAndGet());
        }

        @PostMapping(path = "/test/orders", consumes = MediaType.APPLICATION_JSON_VALUE)
        Order create(@Valid @RequestBody Order order) {
            return order;
        }

        @GetMapping("/test/quorum")
        String quorum() {
            throw QUORUM.exception("needed 2 replicas, 1 answered")
                    .with("needed", 2)
                    .with("answered", 1)
                    .retryAfter(Duration.ofMillis(1500));
        }

        @GetMapping("/test/boom")
        String boom() {
            throw new IllegalStateException("internal secret that must not leak");
        }

        @GetMapping("/test/count")
        Map<String, Integer> count(@RequestParam @Min(1) @Max(10) int n) {
            return Map.of("n", n);
        }

        @PostMapping(path = "/test/bytes", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
        Map<String, Integer> bytes(@RequestBody byte[] body) {
            return Map.of("length", body.length);
        }

        @GetMapping("/test/hello")
        Map<String, String> hello(@RequestHeader(name = InterNodeHeaders.FROM_NODE, required = false) String from) {
            return Map.of("hello", from == null ? "anonymous" : from);
        }

        @GetMapping("/internal/echo")
        Map<String, String> echo(@RequestHeader(name = "traceparent", required = false) String traceparent) {
            return Map.of("traceparent", traceparent == null ? "" : traceparent);
        }
    }
}
