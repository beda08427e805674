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
            "k8s/overlays/prod", new Expectations(Set.of("admin-token"), true),
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

    // ---- each check fails on a manifest broken on purpose ----

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
