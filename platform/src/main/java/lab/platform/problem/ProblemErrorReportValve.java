package lab.platform.problem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import lab.platform.identity.NodeIdentity;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat answers some malformed requests (an invalid percent-encoding in the path, an oversize
 * header block) before any servlet runs, with an HTML page. This valve makes those answers
 * problems too, so a client never has to parse HTML from this cluster.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    private final NodeIdentity identity;

    public ProblemErrorReportValve(NodeIdentity identity) {
        this.identity = identity;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        ProblemType type = CommonProblems.forStatus(status);
        String detail = status >= 500
                ? "The node failed to handle the request; its log has the details"
                : "The request was rejected by the HTTP server before it reached the service: " + type.title();
        String json = "{\"type\":\"" + type.uri() + "\",\"title\":\"" + type.title() + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\",\"node\":\"" + identity.nodeId() + "\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
            response.finishResponse();
        } catch (IOException | IllegalStateException ignored) {
            // The connection is already broken; there is no one left to tell.
        }
    }
}
