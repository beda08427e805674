package lab.platform.internode;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/** What a peer answered. Transport failures are {@link InterNodeException}s, never a response. */
public record InterNodeResponse(Peer peer, int status, HttpHeaders headers, byte[] body, int attempts) {

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }
}
