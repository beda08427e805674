package lab.cluster.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopologyTest {

    private static final String SMALL = """
            infrastructure:
              - { name: postgres, kind: postgres, port: 5432 }
              - { name: zookeeper, kind: zookeeper, port: 2181 }
              - { name: kafka-1, kind: kafka, port: 9092, controllerPort: 9192 }
              - { name: kafka-2, kind: kafka, port: 9093, controllerPort: 9193 }
            services:
              - name: kv-store
                heapMb: 96
                needs: [zookeeper, kafka]
                env:
                  KV_SEEDS: "{{peers:kv-store}}"
                  DB: "{{jdbc:kv}}"
                  BROKERS: "{{kafka}}"
                  SELF: "{{url:kv-1}} {{node}}"
                nodes:
                  - { name: kv-1, port: 8301 }
                  - { name: kv-2, port: 8302, env: { EXTRA: "{{zookeeper}}" } }
                  - { name: kv-3, port: 8303 }
            """;

    @Test
    void theShippedTopologyNamesTheNodesOfTheDesign() {
        Topology topology = Topology.load();
        assertThat(topology.infraNode("postgres")).hasValueSatisfying(n -> assertThat(n.port()).isEqualTo(5432));
        assertThat(topology.infraNode("redis")).hasValueSatisfying(n -> assertThat(n.port()).isEqualTo(6379));
        assertThat(topology.infraNode("zookeeper")).hasValueSatisfying(n -> assertThat(n.port()).isEqualTo(2181));
        assertThat(topology.infraNode("kafka-2")).hasValueSatisfying(n -> assertThat(n.port()).isEqualTo(9093));
        assertThat(topology.serviceNode("idgen-2")).hasValueSatisfying(n -> assertThat(n.port()).isEqualTo(8102));
    }

    @Test
    void settingsResolveLocallyForTheNodesOfTheRun() {
        Topology topology = Topology.parse(SMALL);
        Map<String, Integer> remapped = Map.of("kv-1", 40001, "kv-2", 40002, "kv-3", 40003,
                "postgres", 40100, "zookeeper", 40200, "kafka-1", 40300, "kafka-2", 40301);
        NodeSettings settings = new NodeSettings(topology, Addresses.local(remapped::get),
                Set.of("postgres", "zookeeper", "kafka-1", "kv-1", "kv-2"));
        Map<String, String> env = settings.environment(topology.serviceNode("kv-2").orElseThrow());
        assertThat(env).containsEntry("NODE_ID", "kv-2")
                .containsEntry("SERVER_PORT", "40002")
                .containsEntry("KV_SEEDS", "kv-1=http://127.0.0.1:40001,kv-2=http://127.0.0.1:40002")
                .containsEntry("DB", "jdbc:postgresql://127.0.0.1:40100/kv")
                .containsEntry("BROKERS", "127.0.0.1:40300")
                .containsEntry("SELF", "http://127.0.0.1:40001 kv-2")
                .containsEntry("EXTRA", "127.0.0.1:40200");
    }

    @Test
    void settingsResolveForComposeWithServiceNames() {
        Topology topology = Topology.parse(SMALL);
        NodeSettings settings = new NodeSettings(topology, Addresses.compose(), Set.copyOf(topology.nodeNames()));
        Map<String, String> env = settings.declaredEnvironment(topology.serviceNode("kv-1").orElseThrow());
        assertThat(env).containsEntry("KV_SEEDS", "kv-1=http://kv-1:8080,kv-2=http://kv-2:8080,kv-3=http://kv-3:8080")
                .containsEntry("BROKERS", "kafka-1:19092,kafka-2:19092")
                .doesNotContainKey("SERVER_PORT");
    }

    @Test
    void invalidTopologiesAreRefusedWithAReason() {
        assertThatThrownBy(() -> Topology.parse(SMALL.replace("port: 8303", "port: 8302")))
                .hasMessageContaining("reuses port 8302");
        assertThatThrownBy(() -> Topology.parse(SMALL.replace("needs: [zookeeper, kafka]", "needs: [redis]")))
                .hasMessageContaining("needs 'redis'");
        assertThatThrownBy(() -> Topology.parse(SMALL.replace("name: kv-3", "name: kv-1")))
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> Topology.parse(SMALL.replace("kind: postgres", "kind: mysql")))
                .hasMessageContaining("unknown infrastructure kind");
        Topology topology = Topology.parse(SMALL);
        assertThatThrownBy(() -> topology.requireNode("kv-9")).hasMessageContaining("unknown node 'kv-9'").hasMessageContaining("kv-1");
        NodeSettings settings = new NodeSettings(topology, Addresses.compose(), Set.of());
        assertThatThrownBy(() -> settings.resolve("{{nonsense}}", topology.serviceNode("kv-1").orElseThrow()))
                .hasMessageContaining("unknown placeholder");
    }

    @Test
    void aServiceNeedsItsInfrastructureByNameOrKind() {
        Topology topology = Topology.parse(SMALL);
        assertThat(topology.infrastructureFor(topology.service("kv-store")))
                .extracting(InfraNodeSpec::name).containsExactly("zookeeper", "kafka-1", "kafka-2");
    }
}
