package lab.load.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpAnswersTest {

    @Test
    void aProblemIsNamedByItsStatusAndType() {
        assertThat(HttpAnswers.describe(503, "application/problem+json",
                "{\"type\":\"/problems/quorum-not-reached\",\"title\":\"Quorum not reached\",\"status\":503}"))
                .isEqualTo("503 /problems/quorum-not-reached");
    }

    @Test
    void anythingElseByItsStatus() {
        assertThat(HttpAnswers.describe(502, "text/html", "<html>bad gateway</html>")).isEqualTo("502 (no problem body)");
        assertThat(HttpAnswers.describe(500, null, null)).isEqualTo("500 (no problem body)");
    }
}
