package lab.cluster.abuse;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One hostile request to one node and what it must get back: a row of the abuse suite's tables. */
record Probe(String node, String method, String target, Map<String, String> headers, byte[] body, Expectation expected,
             String label) {

    static Probe of(String node, String method, String target, Expectation expected) {
        return new Probe(node, method, target, Map.of(), null, expected, "");
    }

    Probe header(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Probe(node, method, target, more, body, expected, label);
    }

    /** What sets this probe apart from its siblings in a failure message (which wrong credential, say). */
    Probe labelled(String text) {
        return new Probe(node, method, target, headers, body, expected, text);
    }

    Probe body(String contentType, String text) {
        return header("Content-Type", contentType).withBody(text.getBytes(StandardCharsets.UTF_8));
    }

    Probe withBody(byte[] bytes) {
        return new Probe(node, method, target, headers, bytes, expected, label);
    }

    @Override
    public String toString() {
        String shown = headers.isEmpty() ? "" : " " + headers.keySet();
        String value = headers.values().stream().filter(v -> v.length() > 60).findAny().map(v -> " (a header of " + v.length() + " chars)").orElse("");
        return node + ": " + method + " " + (target.length() > 120 ? target.substring(0, 120) + "…" : target) + shown + value
                + (label.isEmpty() ? "" : " (" + label + ")");
    }
}
