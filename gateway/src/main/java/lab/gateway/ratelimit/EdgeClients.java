package lab.gateway.ratelimit;

import org.springframework.web.server.ServerWebExchange;

/**
 * Who a request is charged to at the edge: the holder of an issued API key ({@code key:<id>}), or
 * else its client address ({@code addr:<ip>}). A key the operator did not issue, or revoked, counts
 * as no key at all: a caller that makes up a key per request stays in its address's bucket.
 */
final class EdgeClients {

    private final ClientAddresses addresses;
    private final IssuedKeys issued;

    EdgeClients(ClientAddresses addresses, IssuedKeys issued) {
        this.addresses = addresses;
        this.issued = issued;
    }

    /** The bucket key; {@code apiKey} is the request's X-Api-Key, already checked for shape, or null. */
    String bucketKey(ServerWebExchange exchange, String apiKey) {
        if (apiKey != null) {
            String id = ApiKeys.idOf(apiKey);
            if (issued.isIssued(id)) {
                return "key:" + id;
            }
        }
        return "addr:" + addresses.of(exchange.getRequest());
    }
}
