package lab.cluster.topology;

import java.util.List;
import java.util.Map;

/**
 * A service of the cluster: the Maven module that builds its jar, the memory its JVMs get,
 * the settings every node shares (with address placeholders), the infrastructure it needs
 * and its nodes in start order.
 */
public record ServiceSpec(String name, String module, int heapMb, Map<String, String> env,
                          List<String> needs, List<ServiceNodeSpec> nodes) {

    public ServiceSpec {
        env = Map.copyOf(env);
        needs = List.copyOf(needs);
        nodes = List.copyOf(nodes);
    }
}
