package lab.cluster.abuse;

import static lab.cluster.abuse.Expectation.BAD_REQUEST;
import static lab.cluster.abuse.Expectation.NO_SERVER_ERROR;
import static lab.cluster.abuse.Expectation.REFUSED;
import static lab.cluster.abuse.Expectation.UNAUTHORIZED;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The abuse suite's tables: for each kind of attack, every probe of every node. Data only; {@link AbuseSuiteIT}
 * sends them and checks the answers and the cluster's state.
 */
final class AbuseProbes {

    static final String CLUSTER_SECRET_HEADER = "X-Lab-Cluster-Secret";
    static final String ABUSE_KEY = "abuse-key";

    /** A first path segment spelled every way a router, a decoder or a normaliser might read as the same one. */
    static List<String> spellings(String segment, String rest) {
        String first = segment.substring(0, 1);
        String encodedFirst = "%" + Integer.toHexString(first.charAt(0)).toUpperCase(java.util.Locale.ROOT);
        String upper = segment.toUpperCase(java.util.Locale.ROOT);
        return List.copyOf(new java.util.LinkedHashSet<>(List.of(
                "/" + segment + ";x/" + rest,
                "/" + segment + "/" + rest + ";x",
                "/" + segment + ";jsessionid=0/" + rest,
                "/" + encodedFirst + segment.substring(1) + "/" + rest,
                "/" + encodedFirst.toLowerCase(java.util.Locale.ROOT) + segment.substring(1) + "/" + rest,
                "/%25" + encodedFirst.substring(1) + segment.substring(1) + "/" + rest,
                "//" + segment + "/" + rest,
                "/" + segment + "//" + rest,
                "/./" + segment + "/" + rest,
                "/x/../" + segment + "/" + rest,
                "/%2e/" + segment + "/" + rest,
                "/x/%2e%2e/" + segment + "/" + rest,
                "/" + segment + "/./" + rest,
                "/" + segment + "/%2e/" + rest,
                "/" + upper + "/" + rest,
                "/" + upper.charAt(0) + segment.substring(1) + "/" + rest,
                "/" + segment + "%2F" + rest,
                "/" + segment + "%2f" + rest,
                "/%2F" + segment + "/" + rest,
                "/" + segment + "%5C" + rest,
                "/" + segment + "/" + rest + "%00",
                "/" + segment + "/" + rest + "%20")));
    }

    /** The operator API without a token: the plain path is a 401, every other spelling some 4xx, on every node. */
    static List<Probe> adminWithoutToken(List<String> servletNodes, List<String> everyNode) {
        List<Probe> probes = new ArrayList<>();
        for (String node : everyNode) {
            boolean servlet = servletNodes.contains(node);
            probes.add(Probe.of(node, "GET", "/admin/faults", servlet ? UNAUTHORIZED : REFUSED));
            probes.add(Probe.of(node, "GET", "/actuator/env", REFUSED));
            probes.add(Probe.of(node, "GET", "/actuator/loggers", REFUSED));
            probes.add(Probe.of(node, "GET", "/actuator/heapdump", REFUSED));
            probes.add(Probe.of(node, "GET", "/actuator/threaddump", REFUSED));
            probes.add(Probe.of(node, "GET", "/actuator/configprops", REFUSED));
            for (String path : spellings("admin", "faults")) {
                probes.add(Probe.of(node, "GET", path, REFUSED));
            }
            for (String path : spellings("actuator", "env")) {
                probes.add(Probe.of(node, "GET", path, REFUSED));
            }
            // Attempts to change something: a fault that would cut the node off, then a clear-all.
            for (String path : List.of("/%61dmin/faults", "/admin;x/faults", "//admin/faults", "/ADMIN/faults", "/x/../admin/faults")) {
                probes.add(Probe.of(node, "POST", path, REFUSED).body("application/json", "{\"dropPeers\":[\"kv-2\",\"idgen-1\"]}"));
                probes.add(Probe.of(node, "DELETE", path, REFUSED));
            }
        }
        return probes;
    }

    /** Operator actions of one service, spelled differently, without a token: a policy created, a kv node leaving the ring. */
    static List<Probe> adminActionsWithoutToken() {
        List<Probe> probes = new ArrayList<>();
        for (String path : List.of("/admin/policies/pwned", "/%61dmin/policies/pwned", "/admin;x/policies/pwned", "//admin/policies/pwned")) {
            probes.add(Probe.of("ratelimit-1", "PUT", path, path.equals("/admin/policies/pwned") ? UNAUTHORIZED : REFUSED)
                    .body("application/json", "{\"capacity\":1000000,\"refillPerSecond\":1000000,\"failureMode\":\"open\"}"));
        }
        for (String path : List.of("/admin/leave", "/%61dmin/leave", "/admin;x/leave", "/admin/leave;x", "//admin/leave")) {
            probes.add(Probe.of("kv-3", "POST", path, path.equals("/admin/leave") ? UNAUTHORIZED : REFUSED));
        }
        return probes;
    }

    /** Every /internal/** endpoint of the kv-store, with a body where it takes one: each would change or leak state. */
    static List<Probe> kvInternalEndpoints(String node) {
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(ABUSE_KEY.getBytes(StandardCharsets.UTF_8));
        String other = node.equals("kv-2") ? "kv-3" : "kv-2";
        byte[] garbage = {1, 0, 0, 0, 1, 0, 4, 'e', 'v', 'i', 'l'};
        return List.of(
                Probe.of(node, "POST", "/internal/gossip", UNAUTHORIZED)
                        .body("text/plain", "evil-1 1 1\n@ evil-1 NORMAL 1 http://127.0.0.1:9\n"),
                Probe.of(node, "GET", "/internal/kv/" + key, UNAUTHORIZED),
                Probe.of(node, "PUT", "/internal/kv/" + key, UNAUTHORIZED).header("Content-Type", "application/octet-stream").withBody(garbage),
                Probe.of(node, "POST", "/internal/kv/" + key + "/coordinate", UNAUTHORIZED)
                        .header("X-Kv-W", "1").header("X-Kv-Delete", "true").body("application/octet-stream", ""),
                Probe.of(node, "PUT", "/internal/hints/" + other + "/" + key, UNAUTHORIZED)
                        .header("Content-Type", "application/octet-stream").withBody(garbage),
                Probe.of(node, "DELETE", "/internal/partitions/0/stale-copy", UNAUTHORIZED),
                Probe.of(node, "GET", "/internal/antientropy/0/8/leaves", UNAUTHORIZED),
                Probe.of(node, "GET", "/internal/antientropy/0/8/entries?wanted=0", UNAUTHORIZED),
                Probe.of(node, "PUT", "/internal/antientropy/0/entries", UNAUTHORIZED)
                        .header("Content-Type", "application/octet-stream").withBody(garbage),
                Probe.of(node, "GET", "/internal/antientropy/0/2147483647/leaves", UNAUTHORIZED));
    }

    /** The id-generator's one internal endpoint; for services without any, a made-up one (the credential is checked first). */
    static List<Probe> otherInternalEndpoints(String node) {
        return node.startsWith("idgen")
                ? List.of(Probe.of(node, "POST", "/internal/noop", UNAUTHORIZED))
                : List.of(Probe.of(node, "POST", "/internal/gossip", UNAUTHORIZED).body("text/plain", "x 1 1\n"),
                          Probe.of(node, "GET", "/internal/anything", UNAUTHORIZED));
    }

    /** Each probe without a credential, then with every kind of wrong one. */
    static List<Probe> withWrongCredentials(List<Probe> probes, String secret, String adminToken) {
        Map<String, Map<String, String>> wrong = new java.util.LinkedHashMap<>();
        wrong.put("no secret", Map.of());
        wrong.put("empty secret", Map.of(CLUSTER_SECRET_HEADER, ""));
        wrong.put("wrong secret", Map.of(CLUSTER_SECRET_HEADER, "wrong-secret-0123456789abcdef"));
        wrong.put("secret without its last character", Map.of(CLUSTER_SECRET_HEADER, secret.substring(0, secret.length() - 1)));
        wrong.put("secret with one more character", Map.of(CLUSTER_SECRET_HEADER, secret + "0"));
        wrong.put("secret in upper case", Map.of(CLUSTER_SECRET_HEADER, secret.toUpperCase(java.util.Locale.ROOT)));
        wrong.put("admin token as the secret", Map.of(CLUSTER_SECRET_HEADER, adminToken));
        wrong.put("admin token as bearer", Map.of("Authorization", "Bearer " + adminToken));
        wrong.put("secret in another header", Map.of("X-Lab-Cluster-Secret-Typo", secret));
        List<Probe> all = new ArrayList<>();
        for (Probe probe : probes) {
            wrong.forEach((label, credential) -> {
                Probe p = probe.labelled(label);
                for (var e : credential.entrySet()) {
                    p = p.header(e.getKey(), e.getValue());
                }
                all.add(p);
            });
        }
        return all;
    }

    /** Other spellings of /internal/** without a credential: refused, never routed to a handler. */
    static List<Probe> internalSpellings(List<String> everyNode) {
        List<Probe> probes = new ArrayList<>();
        for (String node : everyNode) {
            for (String path : spellings("internal", "gossip")) {
                probes.add(Probe.of(node, "POST", path, REFUSED).body("text/plain", "evil-1 1 1\n@ evil-1 NORMAL 1 http://127.0.0.1:9\n"));
            }
        }
        return probes;
    }

    /**
     * Gossip a node would accept from a peer in form, WITH the cluster secret (a node gone rogue, or
     * a leaked secret), naming what the topology does not: refused as a whole.
     */
    static List<Probe> forgedGossip(List<String> kvNodes, Map<String, String> urls, String secret) {
        List<Probe> probes = new ArrayList<>();
        for (String node : kvNodes) {
            String other = kvNodes.get((kvNodes.indexOf(node) + 1) % kvNodes.size());
            // A stranger's heartbeat alone passes and is not merged: a node about to join sends its own
            // before it is a member. Accepted or not, the ring must stay as it was (the suite compares it).
            probes.add(Probe.of(node, "POST", "/internal/gossip", NO_SERVER_ERROR).header(CLUSTER_SECRET_HEADER, secret)
                    .body("text/plain", "evil-9 1 1\n"));
            for (String message : List.of(
                    "@ evil-9 NORMAL 1 http://127.0.0.1:9\n",
                    other + " 1 1\n@ evil-9 JOINING 1 " + urls.get(other) + "\n",
                    other + " 9223372036854775807 9223372036854775807\n",
                    "@ " + other + " NORMAL 9223372036854775807 " + urls.get(other) + "\n",
                    "@ " + other + " NORMAL 9223372036854775806 " + urls.get(other) + "\n",
                    "@ " + other + " NORMAL -1 " + urls.get(other) + "\n",
                    "@ " + other + " LEAVING 1000000 http://127.0.0.1:9\n",
                    "@ " + other + " NORMAL 1000000 http://attacker.example:8080\n",
                    other + " -5 -5\n")) {
                probes.add(Probe.of(node, "POST", "/internal/gossip", BAD_REQUEST).header(CLUSTER_SECRET_HEADER, secret)
                        .body("text/plain", message));
            }
            for (String segments : List.of("0", "-1", "1000000", "2147483647", "99999999999", "abc")) {
                probes.add(Probe.of(node, "GET", "/internal/antientropy/0/" + segments + "/leaves", REFUSED).header(CLUSTER_SECRET_HEADER, secret));
            }
            for (String partition : List.of("-1", "2147483647", "99999999999", "abc")) {
                probes.add(Probe.of(node, "GET", "/internal/antientropy/" + partition + "/8/leaves", REFUSED).header(CLUSTER_SECRET_HEADER, secret));
                probes.add(Probe.of(node, "DELETE", "/internal/partitions/" + partition + "/stale-copy", REFUSED).header(CLUSTER_SECRET_HEADER, secret));
            }
            for (String quorum : OverflowValue.TEXTS) {
                String key = Base64.getUrlEncoder().withoutPadding().encodeToString("abuse-internal".getBytes(StandardCharsets.UTF_8));
                probes.add(Probe.of(node, "POST", "/internal/kv/" + key + "/coordinate", REFUSED).header(CLUSTER_SECRET_HEADER, secret)
                        .header("X-Kv-W", quorum).header("X-Kv-Delete", "true").body("application/octet-stream", ""));
            }
        }
        return probes;
    }

    /** Every numeric query parameter and header a client sets, at and beyond its type's limits. */
    static List<Probe> overflows() {
        List<Probe> probes = new ArrayList<>();
        for (OverflowValue v : OverflowValue.values()) {
            String q = v.text();
            // Counters and bounds: refused whatever the value (counts, quorums, sequence numbers).
            probes.add(Probe.of("idgen-1", "POST", "/ids?count=" + q, REFUSED));
            probes.add(Probe.of("kv-1", "GET", "/kv/" + ABUSE_KEY + "?r=" + q, REFUSED));
            probes.add(Probe.of("kv-1", "PUT", "/kv/abuse-overflow?w=" + q, REFUSED).body("text/plain", "x"));
            probes.add(Probe.of("kv-1", "DELETE", "/kv/abuse-overflow?w=" + q, REFUSED));
            probes.add(Probe.of("mq-1", "GET", "/channels/abuse/messages?afterSeq=" + q, v.refusedAsSequence() ? REFUSED : NO_SERVER_ERROR));
            probes.add(Probe.of("mq-1", "GET", "/channels/abuse/messages?limit=" + q, REFUSED));
            probes.add(Probe.of("mq-1", "GET", "/channels/abuse/stream", v.refusedAsSequence() ? REFUSED : NO_SERVER_ERROR)
                    .header("Last-Event-ID", q));
            probes.add(Probe.of("mq-1", "GET", "/channels/abuse/stream?afterSeq=" + q, v.refusedAsSequence() ? REFUSED : NO_SERVER_ERROR));
            // Values that may be legitimate at a limit (an ID to decode, a page boundary): never a server error.
            Expectation limitOrGarbage = v.isNumber() ? NO_SERVER_ERROR : REFUSED;
            probes.add(Probe.of("idgen-1", "GET", "/ids/" + q, limitOrGarbage));
            probes.add(Probe.of("processor", "GET", "/operations?afterSeq=" + q, limitOrGarbage));
            probes.add(Probe.of("processor", "GET", "/operations?limit=" + q, limitOrGarbage));
            probes.add(Probe.of("payments-1", "GET", "/accounts/abuse/entries?limit=" + q, limitOrGarbage));
            probes.add(Probe.of("payments-1", "GET", "/accounts/abuse/entries?before=" + q, limitOrGarbage));
            probes.add(Probe.of("ratelimit-1", "GET", "/limits/search/abuse?permits=" + q, limitOrGarbage));
            probes.add(Probe.of("gateway", "GET", "/kv/" + ABUSE_KEY + "?r=" + q, REFUSED));
            probes.add(Probe.of("gateway", "GET", "/channels/abuse/messages?afterSeq=" + q, v.refusedAsSequence() ? REFUSED : NO_SERVER_ERROR));
            // Amounts in a body: a number or a string, never wrapped into a small or negative charge.
            for (String amount : List.of(q, "\"" + q + "\"")) {
                probes.add(Probe.of("payments-1", "POST", "/payments", v.isPositiveNumber() ? NO_SERVER_ERROR : REFUSED)
                        .header("Idempotency-Key", "abuse-" + v.name().toLowerCase() + "-" + amount.length())
                        .body("application/json", "{\"amount\":" + amount + ",\"currency\":\"EUR\",\"customer\":\"c\",\"merchant\":\"m\","
                                + "\"capture\":\"manual\"}"));
            }
        }
        return probes;
    }

    /** The values tried in every numeric position. */
    enum OverflowValue {
        MAX("9223372036854775807"),
        MAX_PLUS_ONE("9223372036854775808"),
        MIN("-9223372036854775808"),
        MINUS_ONE("-1"),
        INT_MAX_PLUS_ONE("2147483648"),
        NOT_A_NUMBER("abc"),
        EXPONENT("1e309"),
        FRACTION("1.5"),
        HUGE("9".repeat(400));

        static final List<String> TEXTS = java.util.Arrays.stream(values()).map(OverflowValue::text).toList();

        private final String text;

        OverflowValue(String text) {
            this.text = text;
        }

        String text() {
            return text;
        }

        /** A long at its limit: parses, so only the endpoint's own bound can refuse it. */
        boolean isNumber() {
            return this == MAX || this == MIN || this == MINUS_ONE || this == INT_MAX_PLUS_ONE;
        }

        boolean isPositiveNumber() {
            return this == MAX || this == INT_MAX_PLUS_ONE;
        }

        /** A sequence number a client may send: -1 may mean "from the start"; anything near or past Long.MAX_VALUE is refused. */
        boolean refusedAsSequence() {
            return this != MINUS_ONE && this != INT_MAX_PLUS_ONE;
        }
    }

    private AbuseProbes() {
    }
}
