package lab.mq.support;

import java.net.URI;
import java.util.Arrays;

/** Reads one sample from a node's {@code /actuator/prometheus}. */
public final class NodeMetrics {

    private NodeMetrics() {
    }

    /**
     * The value of the sample named {@code name} (Prometheus spelling, e.g. {@code mq_connections_limit})
     * carrying every one of {@code labels} ({@code stat="max"}), or NaN when there is none.
     */
    public static double sample(URI node, String name, String... labels) {
        Http.Answer answer = Http.get(node.resolve("/actuator/prometheus"));
        if (answer.status() != 200) {
            throw new IllegalStateException("GET /actuator/prometheus of " + node + " answered " + answer.status());
        }
        return answer.raw().body().lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(Double.NaN);
    }
}
