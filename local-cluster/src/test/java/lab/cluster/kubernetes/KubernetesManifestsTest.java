package lab.cluster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import lab.cluster.node.RepositoryLayout;
import lab.cluster.topology.Addresses;
import lab.cluster.topology.KubernetesNames;
import lab.cluster.topology.NodeSettings;
import lab.cluster.topology.Topology;
import lab.cluster.topology.TopologyException;
import org.junit.jupiter.api.Test;

/**
 * k8s/base/services/ is exactly what {@link KubernetesManifests} renders from the topology, so a
 * service or setting added to the topology cannot be missing from Kubernetes; {@code -Dlab.k8s.write=true}
 * rewrites the directory instead of failing. The rendered manifests themselves are validated against
 * the Kubernetes schemas by cluster-tests' {@code RenderedManifestsTest}.
 */
class KubernetesManifestsTest {

    private static final String SMALL = """
            infrastructure:
              - { name: postgres, kind: postgres, port: 5432 }
              - { name: kafka-1, kind: kafka, port: 9092, controllerPort: 9192 }
              - { name: kafka-2, kind: kafka, port: 9093, controllerPort: 9193 }
            services:
              - name: kv-store
                env: { KV_SEEDS: "{{peers:kv-store}}" }
                nodes:
                  - { name: kv-1, port: 8301 }
                  - { name: kv-2, port: 8302 }
                  - { name: kv-3, port: 8303 }
              - name: payments
                env: { DB: "{{jdbc:payments}}", BROKERS: "{{kafka}}", IDS: "{{urls:id-generator}}", KV: "{{url:kv-2}}" }
                nodes:
                  - { name: payments-1, port: 8401 }
                  - { name: payments-2, port: 8402 }
              - name: id-generator
                nodes:
                  - { name: idgen-1, port: 8101 }
                  - { name: idgen-2, port: 8102 }
            """;

    @Test
    void committedDirectoryIsWhatTheGeneratorRendersFromTheTopology() throws IOException {
        Path dir = RepositoryLayout.find().root().resolve(KubernetesManifests.DIRECTORY);
        Map<String, String> rendered = new KubernetesManifests(Topology.load()).render();
        if (Boolean.getBoolean("lab.k8s.write")) {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
            for (Map.Entry<String, String> file : rendered.entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue());
            }
        }
        Set<String> committed;
        try (Stream<Path> files = Files.list(dir)) {
            committed = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertThat(committed).as(KubernetesManifests.DIRECTORY + " holds exactly the rendered files")
                .containsExactlyInAnyOrderElementsOf(rendered.keySet());
        for (Map.Entry<String, String> file : rendered.entrySet()) {
            assertThat(Files.readString(dir.resolve(file.getKey())))
                    .as(KubernetesManifests.DIRECTORY + "/" + file.getKey() + " differs from the topology's rendering: regenerate with "
                            + "./mvnw -q -pl local-cluster test -Dtest=KubernetesManifestsTest -Dlab.k8s.write=true")
                    .isEqualTo(file.getValue());
        }
    }

    @Test
    void servicesNamedOneByOneAreStatefulSetsWhosePodsAreTheOrdinals() {
        Topology topology = Topology.parse(SMALL);
        KubernetesNames names = new KubernetesNames(topology);
        assertThat(names.isStateful(topology.service("kv-store"))).isTrue();
        assertThat(names.workloadName(topology.service("kv-store"))).isEqualTo("kv");
        assertThat(names.podName(topology.serviceNode("kv-1").orElseThrow())).isEqualTo("kv-0");
        assertThat(names.isStateful(topology.service("id-generator"))).isFalse();
        assertThat(names.isStateful(topology.service("payments"))).isFalse();

        NodeSettings settings = new NodeSettings(topology, Addresses.kubernetes(names), Set.copyOf(topology.nodeNames()));
        Map<String, String> kv = settings.environment(topology.serviceNode("kv-3").orElseThrow());
        assertThat(kv).containsEntry("NODE_ID", "kv-2")
                .containsEntry("SERVER_PORT", "8080")
                .containsEntry("KV_SEEDS", "kv-0=http://kv-0.kv:8080,kv-1=http://kv-1.kv:8080,kv-2=http://kv-2.kv:8080");
        Map<String, String> payments = settings.environment(topology.serviceNode("payments-1").orElseThrow());
        assertThat(payments).containsEntry("DB", "jdbc:postgresql://postgres:5432/payments")
                .containsEntry("BROKERS", "kafka-0.kafka:9092,kafka-1.kafka:9092")
                .containsEntry("IDS", "http://id-generator:8080")
                .containsEntry("KV", "http://kv-1.kv:8080");
    }

    @Test
    void everyPodOfAWorkloadSharesOneConfigMapWithoutNodeId() {
        Map<String, String> env = new KubernetesManifests(Topology.parse(SMALL)).environment(Topology.parse(SMALL).service("kv-store"));
        assertThat(env).doesNotContainKey("NODE_ID").containsEntry("DATA_DIR", "/data").containsKey("JAVA_OPTS");
        Map<String, String> files = new KubernetesManifests(Topology.parse(SMALL)).render();
        assertThat(files.get("kv-store.yaml")).contains("kind: StatefulSet", "name: kv\n", "volumeClaimTemplates", "clusterIP: None");
        assertThat(files.get("payments.yaml")).contains("kind: Deployment", "kind: HorizontalPodAutoscaler").doesNotContain("volumeClaimTemplates");
        assertThat(files.get("kustomization.yaml")).contains("- name: payments-config\n    envs: [payments.env]");
    }

    @Test
    void settingsThatDifferPerNodeCannotBeOneConfigMap() {
        Topology topology = Topology.parse(SMALL.replace("- { name: idgen-2, port: 8102 }",
                "- { name: idgen-2, port: 8102, env: { ONLY_HERE: x } }"));
        assertThatThrownBy(() -> new KubernetesManifests(topology).render())
                .isInstanceOf(TopologyException.class).hasMessageContaining("share one ConfigMap");
        Topology perNode = Topology.parse(SMALL.replace("IDS: \"{{urls:id-generator}}\"", "IDS: \"{{node}}\""));
        assertThatThrownBy(() -> new KubernetesManifests(perNode).render()).isInstanceOf(TopologyException.class);
    }
}
