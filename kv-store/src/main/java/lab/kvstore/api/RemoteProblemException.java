package lab.kvstore.api;

import java.time.Duration;
import java.util.Map;
import lab.kvstore.replication.QuorumNotReachedException;
import lab.kvstore.replication.TooManySiblingsException;
import lab.platform.internode.InterNodeResponse;
import lab.platform.problem.CommonProblems;
import lab.platform.problem.ProblemException;
import lab.platform.problem.ProblemType;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * A problem answered by the node a write was forwarded to. The store's own problems come back
 * as the exceptions the coordinator throws locally (so metrics and answers are the same either
 * way); any other problem is relayed with its type, detail and members, naming the node that
 * answered it.
 */
public final class RemoteProblemException extends RuntimeException {

    private final transient ProblemException problem;

    private RemoteProblemException(ProblemException problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public ProblemException problem() {
        return problem;
    }

    /** The exception for a forwarded write's non-success answer. */
    @SuppressWarnings("unchecked")
    public static RuntimeException from(InterNodeResponse response, JsonMapper json) {
        Map<String, Object> body;
        try {
            body = json.readValue(response.body(), Map.class);
        } catch (RuntimeException notJson) {
            return new RemoteProblemException(CommonProblems.forStatus(response.status())
                    .exception(response.peer().nodeId() + " answered " + response.status() + " without a problem body"));
        }
        String type = String.valueOf(body.getOrDefault("type", "/problems/internal-error"));
        String slug = type.substring(type.lastIndexOf('/') + 1);
        String detail = String.valueOf(body.getOrDefault("detail", ""));
        if (slug.equals(KvProblems.QUORUM_NOT_REACHED.slug())) {
            return new QuorumNotReachedException(String.valueOf(body.get("operation")), number(body, "needed"),
                    number(body, "answered"), number(body, "applied"), Boolean.TRUE.equals(body.get("indeterminate")),
                    Boolean.TRUE.equals(body.get("timedOut")), (java.util.List<String>) body.getOrDefault("replicas", java.util.List.of()),
                    (Map<String, String>) body.getOrDefault("failures", Map.of()));
        }
        if (slug.equals(KvProblems.TOO_MANY_SIBLINGS.slug())) {
            return new TooManySiblingsException(number(body, "siblings"), number(body, "limit"));
        }
        HttpStatus status = HttpStatus.resolve(response.status());
        ProblemType problemType;
        try {
            problemType = new ProblemType(slug, status == null || !status.isError() ? HttpStatus.BAD_GATEWAY : status,
                    String.valueOf(body.getOrDefault("title", "Error at coordinator")));
        } catch (IllegalArgumentException e) {
            problemType = CommonProblems.forStatus(response.status());
        }
        ProblemException problem = problemType.exception(detail).with("coordinator", response.peer().nodeId());
        String retryAfter = response.header("Retry-After");
        if (retryAfter != null && retryAfter.strip().matches("\\d{1,6}")) {
            problem.retryAfter(Duration.ofSeconds(Long.parseLong(retryAfter.strip())));
        }
        return new RemoteProblemException(problem);
    }

    private static int number(Map<String, Object> body, String name) {
        return body.get(name) instanceof Number n ? n.intValue() : 0;
    }
}
