package lab.cluster.kubernetes;

import static lab.cluster.kubernetes.ManifestChecks.list;
import static lab.cluster.kubernetes.ManifestChecks.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import lab.cluster.node.RepositoryLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kustomization under k8s/ renders offline with {@code kubectl kustomize} and passes
 * {@link ManifestChecks}; and each check fails on a manifest broken on purpose. Needs kubectl on
 * the PATH (the build machines have it; .ci/run checks), and fails without it rather than skip.
 */
class RenderedManifestsTest {

    private static final Path ROOT = RepositoryLayout.find().root();
    private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();

    /** What each kustomization promises: Secrets it leaves to the operator, and whether it keeps the autoscalers. */
    private record Expectations(Set<String> externalSecrets, boolean autoscaled) { }

    private static final Map<String, Expectations> KUSTOMIZATIONS = Map.of(
            "k8s/base", new Expectations(Set.of(), true),
            "k8s/overlays/dev", new Expectations(Set.of(), false),
            "k8s/overlays/prod", new Expectations(Set.of("admin-token", "cluster-secret"), true),
            "k8s/overlays/prometheus-operator", new Expectations(Set.of(), true));

    static Stream<String> kustomizations() {
        return KUSTOMIZATIONS.keySet().stream().sorted();
    }

    @Test
    void everyOverlayUnderK8sIsChecked() throws IOException {
        Set<String> found = new TreeSet<>();
        try (Stream<Path> overlays = Files.list(ROOT.resolve("k8s/overlays"))) {
            overlays.filter(Files::isDirectory).forEach(p -> found.add(ROOT.relativize(p).toString()));
        }
        found.add("k8s/base");
        assertThat(found).as("add a new overlay to KUSTOMIZATIONS with what it promises").isEqualTo(new TreeSet<>(KUSTOMIZATIONS.keySet()));
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void rendersAndPassesEveryCheck(String kustomization) {
        List<Map<String, Object>> docs = ManifestChecks.parse(render(kustomization));
        Expectations expected = KUSTOMIZATIONS.get(kustomization);
        assertThat(new ManifestChecks(docs, ROOT).check(expected.externalSecrets(), expected.autoscaled())).isEmpty();
    }

    @Test
    void theServicesOfTheTopologyAndTheQuorumsAreThere() {
        List<Map<String, Object>> docs = ManifestChecks.parse(render("k8s/base"));
        assertThat(workload(docs, "StatefulSet", "kv")).containsEntry("replicas", 5).containsEntry("serviceName", "kv");
        assertThat(workload(docs, "StatefulSet", "kafka")).containsEntry("replicas", 3);
        assertThat(workload(docs, "StatefulSet", "zookeeper")).isNotEmpty();
        assertThat(workload(docs, "StatefulSet", "postgres")).isNotEmpty();
        assertThat(workload(docs, "StatefulSet", "redis")).isNotEmpty();
        assertThat(workload(docs, "Deployment", "id-generator")).containsEntry("replicas", 2);
        Map<String, Object> prodZk = workload(ManifestChecks.parse(render("k8s/overlays/prod")), "StatefulSet", "zookeeper");
        assertThat(prodZk).containsEntry("replicas", 3);
    }

    @Test
    void onlyTheGatewayIsOpenAndEveryOtherServiceAdmitsItsOwnNodesItsCallersAndPrometheus() {
        List<Map<String, Object>> docs = ManifestChecks.parse(render("k8s/base"));
        assertThat(admittedBy(docs, "kv-store")).containsExactly("kv-store", "gateway");
        assertThat(admittedBy(docs, "rate-limiter")).containsExactly("rate-limiter", "gateway");
        assertThat(admittedBy(docs, "id-generator")).containsExactly("id-generator", "payments", "message-queue", "gateway");
        assertThat(admittedBy(docs, "processor")).containsExactly("processor", "payments");
        assertThat(admittedBy(docs, "payments")).containsExactly("payments", "gateway");
        assertThat(admittedBy(docs, "message-queue")).containsExactly("message-queue", "gateway");
        List<Map<String, Object>> gatewayRules = list(map(doc(docs, "NetworkPolicy", "gateway"), "spec"), "ingress");
        assertThat(gatewayRules).as("the public entry point: its port, from anywhere").hasSize(1);
        assertThat(gatewayRules.getFirst()).doesNotContainKey("from");
        for (Map<String, Object> policy : docs.stream().filter(d -> "NetworkPolicy".equals(d.get("kind"))).toList()) {
            for (Map<String, Object> rule : list(map(policy, "spec"), "ingress")) {
                assertThat(list(rule, "ports")).as(map(policy, "metadata").get("name") + ": the http port only")
                        .containsExactly(Map.of("port", "http"));
            }
        }
        Map<String, Object> scrapes = map(doc(docs, "NetworkPolicy", "prometheus-scrapes-services"), "spec");
        assertThat(map(map(scrapes, "podSelector"), "matchLabels")).isEqualTo(Map.of("app.kubernetes.io/component", "service"));
        assertThat(list(list(scrapes, "ingress").getFirst(), "from"))
                .containsExactly(Map.of("podSelector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "prometheus"))));
        List<Map<String, Object>> withOperator = ManifestChecks.parse(render("k8s/overlays/prometheus-operator"));
        assertThat(withOperator).as("the bundled Prometheus is gone, and its policy with it")
                .noneMatch(d -> "NetworkPolicy".equals(d.get("kind")) && "prometheus-scrapes-services".equals(map(d, "metadata").get("name")));
        Map<String, Object> operator = doc(withOperator, "NetworkPolicy", "operator-prometheus-scrapes-services");
        assertThat(list(list(map(operator, "spec"), "ingress").getFirst(), "from").getFirst())
                .isEqualTo(Map.of("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring"))));
    }

    @Test
    void everyServiceNodeReadsTheSameClusterSecret() {
        List<Map<String, Object>> docs = ManifestChecks.parse(render("k8s/base"));
        assertThat(map(doc(docs, "Secret", "cluster-secret"), "stringData")).containsOnlyKeys("CLUSTER_SECRET");
        List<Map<String, Object>> services = docs.stream().filter(d -> Set.of("Deployment", "StatefulSet").contains(d.get("kind"))
                && "service".equals(map(map(d, "metadata"), "labels").get("app.kubernetes.io/component"))).toList();
        assertThat(services).hasSize(7);
        for (Map<String, Object> service : services) {
            assertThat(list(firstContainer(map(service, "spec")), "env")).as(map(service, "metadata").get("name").toString())
                    .contains(Map.of("name", "CLUSTER_SECRET",
                            "valueFrom", Map.of("secretKeyRef", Map.of("name", "cluster-secret", "key", "CLUSTER_SECRET"))));
        }
        assertThat(ManifestChecks.parse(render("k8s/overlays/prod"))).as("prod: the operator creates it")
                .noneMatch(d -> "Secret".equals(d.get("kind")) && "cluster-secret".equals(map(d, "metadata").get("name")));
    }

    /** The app names a service's NetworkPolicy admits, in its order. */
    private static List<Object> admittedBy(List<Map<String, Object>> docs, String service) {
        List<Map<String, Object>> rules = list(map(doc(docs, "NetworkPolicy", service), "spec"), "ingress");
        assertThat(rules).hasSize(1);
        return list(rules.getFirst(), "from").stream().map(peer -> map(map(peer, "podSelector"), "matchLabels").get("app.kubernetes.io/name")).toList();
    }

    // ---- each check fails on a manifest broken on purpose ----

    @Test
    void aServiceWithoutNetworkPolicyFails() {
        assertBroken(docs -> docs.remove(doc(docs, "NetworkPolicy", "kv-store")),
                "StatefulSet/kv: no NetworkPolicy of its own says which pods reach it");
    }

    @Test
    void aNetworkPolicyThatAdmitsAMisspeltCallerFails() {
        assertBroken(docs -> list(list(map(doc(docs, "NetworkPolicy", "kv-store"), "spec"), "ingress").getFirst(), "from")
                        .add(Map.of("podSelector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "gatway")))),
                "NetworkPolicy/kv-store: pod selector {app.kubernetes.io/name=gatway} selects no pods");
    }

    @Test
    void aServiceWithoutTheClusterSecretFails() {
        assertBroken(docs -> docs.remove(doc(docs, "Secret", "cluster-secret")), "reads Secret cluster-secret, which does not exist");
        assertBroken(docs -> list(firstContainer(workload(docs, "StatefulSet", "kv")), "env")
                        .removeIf(e -> "CLUSTER_SECRET".equals(e.get("name"))),
                "StatefulSet/kv container kv-store: no CLUSTER_SECRET from a Secret");
    }

    @Test
    void aFieldTheSchemaDoesNotKnowFails() {
        assertBroken(docs -> map(workload(docs, "Deployment", "id-generator"), "template").put("replica", 3),
                "The field `replica` in the JSON string is not defined");
    }

    @Test
    void aWrongTypeFails() {
        assertBroken(docs -> workload(docs, "StatefulSet", "kv").put("replicas", "five"), "StatefulSet/kv");
    }

    @Test
    void aMissingRequiredFieldFails() {
        assertBroken(docs -> firstContainer(workload(docs, "StatefulSet", "kv")).remove("name"), "StatefulSet/kv");
    }

    @Test
    void aContainerWithoutReadinessProbeFails() {
        assertBroken(docs -> firstContainer(workload(docs, "StatefulSet", "kv")).remove("readinessProbe"),
                "StatefulSet/kv container kv-store: no readinessProbe");
    }

    @Test
    void aContainerWithoutResourcesFails() {
        assertBroken(docs -> firstContainer(workload(docs, "StatefulSet", "redis")).remove("resources"),
                "StatefulSet/redis container redis: no requests.cpu");
    }

    @Test
    void aContainerThatMayRunAsRootFails() {
        assertBroken(docs -> map(map(workload(docs, "Deployment", "grafana"), "template"), "spec").remove("securityContext"),
                "Deployment/grafana container grafana: runAsNonRoot is not true");
    }

    @Test
    void aWritableRootFilesystemWithoutReasonFails() {
        assertBroken(docs -> map(firstContainer(workload(docs, "StatefulSet", "kv")), "securityContext").put("readOnlyRootFilesystem", false),
                "readOnlyRootFilesystem is not true");
    }

    @Test
    void aServiceThatSelectsNoPodsFails() {
        assertBroken(docs -> map(map(doc(docs, "Service", "kv-store"), "spec"), "selector").put("app.kubernetes.io/name", "kv-stor"),
                "Service/kv-store: its selector");
    }

    @Test
    void aMissingConfigMapOrSecretFails() {
        assertBroken(docs -> docs.remove(doc(docs, "Secret", "admin-token")), "reads Secret admin-token, which does not exist");
        assertBroken(docs -> docs.removeIf(d -> "ConfigMap".equals(d.get("kind"))
                && String.valueOf(map(d, "metadata").get("name")).startsWith("kv-store-config")), "envFrom ConfigMap kv-store-config");
    }

    @Test
    void aDashboardThatDriftedFromGrafanaFolderFails() {
        assertBroken(docs -> map(configMap(docs, "grafana-dashboards-lab"), "data").put("overview.json", "{}"),
                "grafana-dashboards-lab: overview.json differs from grafana/dashboards/Lab/overview.json");
        assertBroken(docs -> map(configMap(docs, "grafana-dashboards-services"), "data").remove("rate-limiter.json"),
                "ConfigMap grafana-dashboards-services holds");
    }

    @Test
    void aQuorumWithoutDisruptionBudgetFails() {
        assertBroken(docs -> docs.remove(doc(docs, "PodDisruptionBudget", "kafka")), "StatefulSet/kafka: no PodDisruptionBudget");
    }

    @Test
    void aStatelessServiceWithoutAutoscalerFails() {
        assertBroken(docs -> docs.remove(doc(docs, "HorizontalPodAutoscaler", "id-generator")),
                "Deployment/id-generator: a stateless service without a HorizontalPodAutoscaler");
    }

    private static void assertBroken(Consumer<List<Map<String, Object>>> breakIt, String expectedProblem) {
        List<Map<String, Object>> docs = new java.util.ArrayList<>(ManifestChecks.parse(render("k8s/base")));
        breakIt.accept(docs);
        assertThat(new ManifestChecks(docs, ROOT).check(Set.of(), true)).anySatisfy(p -> assertThat(p).contains(expectedProblem));
    }

    private static Map<String, Object> doc(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(map(d, "metadata").get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in the rendering"));
    }

    private static Map<String, Object> configMap(List<Map<String, Object>> docs, String prefix) {
        return docs.stream().filter(d -> "ConfigMap".equals(d.get("kind")) && String.valueOf(map(d, "metadata").get("name")).startsWith(prefix + "-"))
                .findFirst().orElseThrow();
    }

    /** The workload's spec. */
    private static Map<String, Object> workload(List<Map<String, Object>> docs, String kind, String name) {
        return map(doc(docs, kind, name), "spec");
    }

    private static Map<String, Object> firstContainer(Map<String, Object> spec) {
        return list(map(map(spec, "template"), "spec"), "containers").getFirst();
    }

    /** {@code kubectl kustomize DIR}, once per directory per run (about a second each). */
    static String render(String kustomization) {
        return RENDERED.computeIfAbsent(kustomization, dir -> {
            try {
                Process kubectl = new ProcessBuilder("kubectl", "kustomize", ROOT.resolve(dir).toString())
                        .redirectError(ProcessBuilder.Redirect.PIPE).start();
                byte[] out = kubectl.getInputStream().readAllBytes();
                String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
                    throw new AssertionError("kubectl kustomize " + dir + " failed: " + err);
                }
                return new String(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new AssertionError("kubectl is needed to render k8s/ (install the kubectl client): " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
    }
}
