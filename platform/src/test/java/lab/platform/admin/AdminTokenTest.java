package lab.platform.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import lab.platform.testapp.KitHttpTest;
import org.junit.jupiter.api.Test;

class AdminTokenTest extends KitHttpTest {

    @Test
    void missingTokenIs401WithAChallenge() throws Exception {
        HttpResponse<String> response = get("/admin/node");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(json(response).get("type").asString()).isEqualTo("/problems/unauthorized");
    }

    @Test
    void nonBearerSchemeIs401() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/admin/faults")).header("Authorization", "Basic YWRtaW46YWRtaW4="));
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void wrongTokenIs403() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/admin/node")).header("Authorization", "Bearer not-the-token-at-all"));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(json(response).get("type").asString()).isEqualTo("/problems/forbidden");
        assertThat(json(response).get("node").asString()).isEqualTo("kit-1");
    }

    @Test
    void rightTokenIs200() throws Exception {
        HttpResponse<String> response = send(admin("/admin/node"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("node").asString()).isEqualTo("kit-1");
        assertThat(json(response).get("application").asString()).isEqualTo("kit-test");
    }

    @Test
    void everyPathUnderAdminIsGuarded() throws Exception {
        assertThat(get("/admin/no-such-endpoint").statusCode()).isEqualTo(401);
        assertThat(send(admin("/admin/no-such-endpoint")).statusCode()).isEqualTo(404);
    }

    @Test
    void pathsOutsideAdminNeedNoToken() throws Exception {
        assertThat(get("/test/hello").statusCode()).isEqualTo(200);
    }

    @Test
    void shortConfiguredTokensAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminToken.configuredOrGenerated("short"))
                .hasMessageContaining("16");
        assertThat(AdminToken.configuredOrGenerated("").generated()).isTrue();
        assertThat(AdminToken.configuredOrGenerated(" ").reveal()).hasSize(48);
    }
}
