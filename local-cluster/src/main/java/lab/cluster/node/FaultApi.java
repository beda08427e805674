package lab.cluster.node;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The nodes' operator fault API (docs/platform.md), as the launcher uses it: a partition is
 * each side dropping the other's traffic, so it is application-level and both directions.
 */
public final class FaultApi {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String adminToken;

    public FaultApi(String adminToken) {
        this.adminToken = adminToken;
    }

    /** {@code node} drops every request from and call to {@code peer}. */
    public void dropPeer(ServiceNode node, String peer) {
        send(node, HttpRequest.newBuilder(node.url().resolve("/admin/faults"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dropPeers\":[\"" + peer + "\"]}")), 200, -1);
    }

    /**
     * Clears every dropped peer of the node; a node that dropped none is fine too. Returns false
     * for a node without the fault API (the gateway answers 404 on /admin/**).
     */
    public boolean healAll(ServiceNode node) {
        return send(node, HttpRequest.newBuilder(node.url().resolve("/admin/faults/drop-peers")).DELETE(), 200, 404) != null;
    }

    /** The node's view of its faults, as JSON. */
    public String faults(ServiceNode node) {
        return send(node, HttpRequest.newBuilder(node.url().resolve("/admin/faults")).GET(), 200, -1);
    }

    /** The body on {@code expectedStatus}, null on {@code absentStatus}, an exception otherwise. */
    private String send(ServiceNode node, HttpRequest.Builder request, int expectedStatus, int absentStatus) {
        HttpRequest built = request.timeout(CALL_TIMEOUT).header("Authorization", "Bearer " + adminToken).build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == absentStatus) {
                return null;
            }
            if (response.statusCode() != expectedStatus) {
                throw new IllegalStateException(built.method() + " " + built.uri() + " on " + node.name()
                        + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(node.name() + " did not answer " + built.method() + " " + built.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + node.name(), e);
        }
    }
}
