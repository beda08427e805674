package lab.cluster.topology;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Which services call which, as the topology's settings say: a service calls another when one of
 * its settings names that service's nodes ({@code {{url:NODE}}}, {@code {{urls:SERVICE}}},
 * {@code {{peers:SERVICE}}}). The nodes of one service call each other too (gossip, replicas, peers).
 * What the Kubernetes NetworkPolicies admit is derived from this, so a new caller in the topology
 * is a new rule without a second list to keep in step.
 */
public final class ServiceCalls {

    private final Topology topology;

    public ServiceCalls(Topology topology) {
        this.topology = topology;
    }

    /** The services whose nodes call the given one, itself first, then in the topology's order. */
    public Set<String> callersOf(ServiceSpec callee) {
        Set<String> callers = new LinkedHashSet<>();
        callers.add(callee.name());
        for (ServiceSpec service : topology.services()) {
            if (calls(service, callee)) {
                callers.add(service.name());
            }
        }
        return callers;
    }

    private boolean calls(ServiceSpec caller, ServiceSpec callee) {
        if (names(caller.env(), callee)) {
            return true;
        }
        return caller.nodes().stream().anyMatch(node -> names(node.env(), callee));
    }

    private boolean names(Map<String, String> settings, ServiceSpec callee) {
        for (String template : settings.values()) {
            Matcher m = NodeSettings.PLACEHOLDER.matcher(template);
            while (m.find()) {
                String function = m.group(1);
                String argument = m.group(2);
                boolean named = switch (function) {
                    case "urls", "peers" -> callee.name().equals(argument);
                    case "url" -> callee.nodes().stream().anyMatch(n -> n.name().equals(argument));
                    default -> false;
                };
                if (named) {
                    return true;
                }
            }
        }
        return false;
    }
}
