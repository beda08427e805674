package lab.platform.internode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import lab.platform.testapp.KitHttpTest;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The kit's trace propagation with the real tracing bridge, as a Kafka consumer and producer use
 * it: a record's {@code traceparent} is continued (its trace id in the log context), and the
 * current context is written into the headers of the record that goes on.
 */
class TraceOverKafkaHeadersTest extends KitHttpTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Autowired
    TracePropagation tracing;

    @Test
    void aRecordsTraceIsContinuedIntoTheLogContextAndTheNextRecordsHeaders() {
        Map<String, String> incoming = Map.of("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01");
        Map<String, String> outgoing = new HashMap<>();
        try (TracePropagation.Scope ignored = tracing.continueFrom("payments-event", incoming::get)) {
            assertThat(MDC.get("traceId")).isEqualTo(TRACE_ID);
            tracing.injectCurrent(outgoing::put);
        }
        assertThat(outgoing.get("traceparent")).startsWith("00-" + TRACE_ID + "-").doesNotContain("00f067aa0ba902b7");
        assertThat(MDC.get("traceId")).isNull();
    }

    @Test
    void aRecordWithoutTraceHeadersStartsANewTraceAndNothingIsWrittenOutsideOne() {
        Map<String, String> outgoing = new HashMap<>();
        tracing.injectCurrent(outgoing::put);
        assertThat(outgoing).isEmpty();
        try (TracePropagation.Scope ignored = tracing.continueFrom("payments-event", header -> null)) {
            assertThat(MDC.get("traceId")).hasSize(32);
            tracing.injectCurrent(outgoing::put);
        }
        assertThat(outgoing.get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    }
}
