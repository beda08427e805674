package lab.gateway.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RequestGuardTest {

    /** Refused either as a path the services would read differently (400) or as an operator path (404). */
    private static boolean refused(String rawPath) {
        return RequestGuard.pathProblem(rawPath) != null || RequestGuard.isOperatorPath(rawPath);
    }

    @Test
    void everySpellingOfAnOperatorOrInternalPathIsRefused() {
        List<String> spellings = List.of("/admin", "/admin/faults", "/ADMIN/faults", "/%61dmin/faults", "/%41dmin/faults",
                "//admin/faults", "///internal/kv", "/admin;x/faults", "/admin%2ffaults", "/ids/../admin/faults",
                "/ids/%2e%2e/admin/faults", "/ids/.%2e/admin", "/./admin", "/internal", "/%69nternal/gossip",
                "/INTERNAL/gossip", "/ids/%5c../admin", "/ADMIN/api-keys", "//admin/api-keys", "/%61dmin/api-keys",
                "/admin/api-keys/", "/admin/api-keys/x", "/admin/api-keys;x", "/admin/api-keys/../faults");
        assertThat(spellings).allSatisfy(path -> assertThat(refused(path)).as(path).isTrue());
    }

    @Test
    void routedPathsAndTheGatewaysOwnOperatorApiPass() {
        assertThat(refused("/ids")).isFalse();
        assertThat(refused("/limits/default/k/acquire")).isFalse();
        assertThat(refused("/kv/administrator")).isFalse();
        assertThat(refused("/admin/api-keys")).isFalse();
        assertThat(refused("/admin/api-keys/" + "ab".repeat(32))).isFalse();
    }
}
