package lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import lab.cluster.topology.ServiceNodeSpec;
import lab.cluster.topology.TopologyException;
import org.junit.jupiter.api.Test;

/** A standby node is planned like the others but left out of their peer lists and of the first start. */
class StandbyNodePlanTest {

    private static Map<String, String> environment(ClusterPlan plan, String node) {
        ServiceNodeSpec spec = plan.serviceNodes().stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow();
        return plan.nodeSettings().environment(spec);
    }

    @Test
    void aStandbyNodeHasAPortAndSeesTheOthersWhileTheyDoNotSeeIt() {
        ClusterPlan plan = LocalCluster.builder().service("kv-store").nodes("kv-1", "kv-2", "kv-3").standby("kv-4").plan();

        assertThat(plan.serviceNodes()).extracting(ServiceNodeSpec::name).containsExactly("kv-1", "kv-2", "kv-3", "kv-4");
        assertThat(plan.isStandby("kv-4")).isTrue();
        assertThat(plan.isStandby("kv-1")).isFalse();
        int kv4Port = plan.portOf("kv-4");
        List<String> seedsOfKv1 = List.of(environment(plan, "kv-1").get("KV_SEEDS").split(","));
        List<String> seedsOfKv4 = List.of(environment(plan, "kv-4").get("KV_SEEDS").split(","));
        assertThat(seedsOfKv1).hasSize(3).noneMatch(s -> s.startsWith("kv-4="));
        assertThat(seedsOfKv4).isEqualTo(seedsOfKv1);
        assertThat(environment(plan, "kv-4").get("SERVER_PORT")).isEqualTo(Integer.toString(kv4Port));
    }

    @Test
    void withoutStandbyEveryNodeIsInEveryPeerList() {
        ClusterPlan plan = LocalCluster.builder().service("kv-store").nodes("kv-1", "kv-2").plan();
        assertThat(environment(plan, "kv-1").get("KV_SEEDS").split(",")).hasSize(2);
    }

    @Test
    void aStandbyNodeMustBeAServiceNode() {
        assertThatThrownBy(() -> LocalCluster.builder().service("kv-store").standby("zookeeper").plan())
                .isInstanceOf(TopologyException.class);
    }
}
