package lab.cluster.topology;

import java.util.Map;

/** One node of a service: its name (kv-3), host port, and settings of its own on top of the service's. */
public record ServiceNodeSpec(String name, String service, int port, Map<String, String> env) {

    public ServiceNodeSpec {
        env = Map.copyOf(env);
    }
}
