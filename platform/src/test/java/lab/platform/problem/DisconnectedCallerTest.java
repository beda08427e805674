package lab.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import lab.platform.identity.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockHttpServletRequest;

/** A caller that hung up is not a server failure: no answer, no ERROR line; a real failure still is one. */
@ExtendWith(OutputCaptureExtension.class)
class DisconnectedCallerTest {

    private final GlobalProblemHandler handler = new GlobalProblemHandler(new ProblemFactory(new NodeIdentity("kit-1", "kit")));
    private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/internal/gossip");

    @Test
    void aBrokenPipeGetsNoAnswerAndNoErrorLine(CapturedOutput output) {
        // What Tomcat's ClientAbortException wraps when the caller closed its connection.
        Exception hungUp = new IllegalStateException("writing the answer", new IOException("Broken pipe"));
        assertThat(handler.handleUnexpected(hungUp, request)).isNull();
        assertThat(output.getOut()).doesNotContain("/internal/gossip failed");
    }

    @Test
    void aRealFailureIsStillA500WithItsErrorLine(CapturedOutput output) {
        var answer = handler.handleUnexpected(new IllegalStateException("a bug"), request);
        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(output.getOut()).contains("POST /internal/gossip failed").contains("a bug");
    }
}
