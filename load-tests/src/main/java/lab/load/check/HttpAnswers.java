package lab.load.check;

import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.http.response.Response;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Wires a request into the run's checks: Gatling's status check marks unexpected answers KO;
 * {@code transformResponse} sees every answer whole (status, headers, body) and either names an
 * unexpected one for the summary's errors by type ({@code 503 /problems/quorum-not-reached} says
 * far more than Gatling's "found 503") or hands an expected one to the scenario's correctness
 * observer (IDs into the duplicate set, siblings counted, …).
 */
public final class HttpAnswers {

    private static final Pattern PROBLEM_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]{1,200})\"");

    private HttpAnswers() {
    }

    public static HttpRequestActionBuilder observe(HttpRequestActionBuilder request, RunChecks checks, String name,
                                                   Set<Integer> expectedStatuses, BiConsumer<Response, Session> observer) {
        return request
                .check(status().in(List.copyOf(expectedStatuses)))
                .transformResponse((response, session) -> {
                    if (expectedStatuses.contains(response.status().code())) {
                        try {
                            observer.accept(response, session);
                        } catch (RuntimeException e) {
                            // An answer the observer cannot read is itself a broken contract.
                            checks.anomaly("unreadable-answer", name + ": " + e + " in " + abbreviate(response.body().string()));
                        }
                    } else {
                        checks.unexpected(name + ": " + describe(response));
                    }
                    return response;
                });
    }

    public static HttpRequestActionBuilder expect(HttpRequestActionBuilder request, RunChecks checks, String name,
                                                  Set<Integer> expectedStatuses) {
        return observe(request, checks, name, expectedStatuses, (response, session) -> { });
    }

    public static String describe(Response response) {
        return describe(response.status().code(), response.headers().get("Content-Type"), response.body().string());
    }

    public static String describe(int status, String contentType, String body) {
        if (contentType != null && contentType.contains("problem+json") && body != null) {
            Matcher m = PROBLEM_TYPE.matcher(body);
            if (m.find()) {
                return status + " " + m.group(1);
            }
        }
        return status + " (no problem body)";
    }

    public static String abbreviate(String text) {
        return text == null || text.length() <= 300 ? String.valueOf(text) : text.substring(0, 300) + "…";
    }
}
