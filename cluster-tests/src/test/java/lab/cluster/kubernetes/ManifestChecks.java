package lab.cluster.kubernetes;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import io.kubernetes.client.openapi.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a rendered set of Kubernetes manifests must satisfy, as a list of problems (empty: all good):
 * each object valid against the Kubernetes OpenAPI schema (the official Java client's generated
 * models: unknown fields, missing required fields, wrong types), and the checks that matter for the
 * lab: probes, resources and a locked-down security context on every container; Services,
 * PodDisruptionBudgets, autoscalers and ServiceMonitors that select something that exists;
 * every service pod behind a NetworkPolicy whose rules name pods that exist, and holding the
 * cluster secret from a Secret;
 * every ConfigMap, Secret and ServiceAccount referenced exists (or is one the overlay says the
 * operator creates); the Grafana dashboards and alert rules are the files of grafana/ and prometheus/.
 */
final class ManifestChecks {

    /** A container whose image must write to its root filesystem says why in this pod annotation. */
    static final String WRITABLE_ROOT = "lab.io/writable-root-filesystem";

    /** The client's Gson, with its adapters for quantities, int-or-string and dates (costly to build: once). */
    private static final Gson GSON = new JSON().getGson();

    private final List<Map<String, Object>> docs;
    private final Path repository;
    private final List<String> problems = new ArrayList<>();

    ManifestChecks(List<Map<String, Object>> docs, Path repository) {
        this.docs = docs;
        this.repository = repository;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    /**
     * @param externalSecrets Secrets the overlay leaves to the operator (documented in its kustomization)
     * @param autoscaled      whether every service Deployment must have a HorizontalPodAutoscaler
     */
    List<String> check(Set<String> externalSecrets, boolean autoscaled) {
        docs.forEach(this::schema);
        Set<String> configMaps = names("ConfigMap");
        Set<String> secrets = new LinkedHashSet<>(names("Secret"));
        secrets.addAll(externalSecrets);
        Set<String> accounts = names("ServiceAccount");
        List<Map<String, Object>> workloads = docs.stream().filter(d -> Set.of("Deployment", "StatefulSet").contains(d.get("kind"))).toList();
        if (workloads.isEmpty()) {
            problems.add("no Deployment or StatefulSet at all");
        }
        for (Map<String, Object> workload : workloads) {
            String id = id(workload);
            Map<String, Object> template = map(map(workload, "spec"), "template");
            Map<String, Object> pod = map(template, "spec");
            Map<String, Object> selector = map(map(map(workload, "spec"), "selector"), "matchLabels");
            if (!labels(template).entrySet().containsAll(selector.entrySet())) {
                problems.add(id + ": its selector " + selector + " does not match its own pod template");
            }
            String account = (String) pod.get("serviceAccountName");
            if (account != null && !accounts.contains(account)) {
                problems.add(id + ": ServiceAccount " + account + " does not exist");
            }
            Set<String> volumes = new LinkedHashSet<>();
            for (Map<String, Object> volume : list(pod, "volumes")) {
                volumes.add((String) volume.get("name"));
                Map<String, Object> cm = map(volume, "configMap");
                if (!cm.isEmpty() && !configMaps.contains(cm.get("name"))) {
                    problems.add(id + ": volume " + volume.get("name") + " mounts ConfigMap " + cm.get("name") + ", which does not exist");
                }
                Map<String, Object> secret = map(volume, "secret");
                if (!secret.isEmpty() && !secrets.contains(secret.get("secretName"))) {
                    problems.add(id + ": volume " + volume.get("name") + " mounts Secret " + secret.get("secretName") + ", which does not exist");
                }
            }
            for (Map<String, Object> claim : list(map(workload, "spec"), "volumeClaimTemplates")) {
                volumes.add((String) map(claim, "metadata").get("name"));
            }
            boolean writableRootAllowed = map(map(template, "metadata"), "annotations").containsKey(WRITABLE_ROOT);
            List<Map<String, Object>> containers = new ArrayList<>(list(pod, "containers"));
            containers.addAll(list(pod, "initContainers"));
            for (Map<String, Object> container : containers) {
                container(id + " container " + container.get("name"), pod, container, configMaps, secrets, volumes, writableRootAllowed);
            }
        }
        services(workloads);
        networkPolicies(workloads);
        selects("PodDisruptionBudget", workloads);
        quorumBudgets(workloads);
        autoscalers(workloads, autoscaled);
        serviceMonitors();
        sameFiles("grafana-dashboards-lab", repository.resolve("grafana/dashboards/Lab"), ".json");
        sameFiles("grafana-dashboards-services", repository.resolve("grafana/dashboards/Services"), ".json");
        sameFiles("grafana-datasources", repository.resolve("grafana/provisioning/datasources"), ".yml");
        sameFiles("grafana-dashboard-providers", repository.resolve("grafana/provisioning/dashboards"), ".yml");
        sameFiles("prometheus-rules", repository.resolve("prometheus/rules"), ".yml");
        return problems;
    }

    private void container(String where, Map<String, Object> pod, Map<String, Object> c, Set<String> configMaps,
                           Set<String> secrets, Set<String> volumes, boolean writableRootAllowed) {
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            if (map(c, probe).isEmpty()) {
                problems.add(where + ": no " + probe);
            }
        }
        Map<String, Object> resources = map(c, "resources");
        for (String kind : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                if (map(resources, kind).get(resource) == null) {
                    problems.add(where + ": no " + kind + "." + resource);
                }
            }
        }
        Map<String, Object> podSecurity = map(pod, "securityContext");
        Map<String, Object> security = map(c, "securityContext");
        Object nonRoot = security.containsKey("runAsNonRoot") ? security.get("runAsNonRoot") : podSecurity.get("runAsNonRoot");
        if (!Boolean.TRUE.equals(nonRoot)) {
            problems.add(where + ": runAsNonRoot is not true");
        }
        Object user = security.containsKey("runAsUser") ? security.get("runAsUser") : podSecurity.get("runAsUser");
        if (Objects.equals(user, 0)) {
            problems.add(where + ": runs as user 0");
        }
        if (!Boolean.FALSE.equals(security.get("allowPrivilegeEscalation"))) {
            problems.add(where + ": allowPrivilegeEscalation is not false");
        }
        if (!List.of("ALL").equals(map(security, "capabilities").get("drop")) || map(security, "capabilities").containsKey("add")) {
            problems.add(where + ": capabilities are not exactly drop [ALL]");
        }
        if (!Boolean.TRUE.equals(security.get("readOnlyRootFilesystem")) && !writableRootAllowed) {
            problems.add(where + ": readOnlyRootFilesystem is not true (and the pod gives no " + WRITABLE_ROOT + " reason)");
        }
        for (Map<String, Object> mount : list(c, "volumeMounts")) {
            if (!volumes.contains(mount.get("name"))) {
                problems.add(where + ": mounts volume " + mount.get("name") + ", which the pod does not have");
            }
        }
        for (Map<String, Object> from : list(c, "envFrom")) {
            String cm = (String) map(from, "configMapRef").get("name");
            if (cm != null && !configMaps.contains(cm)) {
                problems.add(where + ": envFrom ConfigMap " + cm + " does not exist");
            }
            String secret = (String) map(from, "secretRef").get("name");
            if (secret != null && !secrets.contains(secret)) {
                problems.add(where + ": envFrom Secret " + secret + " does not exist");
            }
        }
        for (Map<String, Object> env : list(c, "env")) {
            Map<String, Object> from = map(env, "valueFrom");
            String cm = (String) map(from, "configMapKeyRef").get("name");
            if (cm != null && !configMaps.contains(cm)) {
                problems.add(where + ": env " + env.get("name") + " reads ConfigMap " + cm + ", which does not exist");
            }
            String secret = (String) map(from, "secretKeyRef").get("name");
            if (secret != null && !secrets.contains(secret)) {
                problems.add(where + ": env " + env.get("name") + " reads Secret " + secret + ", which does not exist");
            }
        }
    }

    /** Every Service with a selector selects the pods of some workload, on ports those pods name. */
    private void services(List<Map<String, Object>> workloads) {
        for (Map<String, Object> service : kind("Service")) {
            Map<String, Object> selector = map(map(service, "spec"), "selector");
            if (selector.isEmpty()) {
                if (!"ExternalName".equals(map(service, "spec").get("type"))) {
                    problems.add(id(service) + ": selects no pods (no selector) and is no ExternalName");
                }
                continue;
            }
            List<Map<String, Object>> selected = workloads.stream()
                    .filter(w -> labels(map(map(w, "spec"), "template")).entrySet().containsAll(selector.entrySet())).toList();
            if (selected.isEmpty()) {
                problems.add(id(service) + ": its selector " + selector + " matches no pod template");
                continue;
            }
            for (Map<String, Object> port : list(map(service, "spec"), "ports")) {
                Object target = port.getOrDefault("targetPort", port.get("port"));
                boolean served = selected.stream().anyMatch(w -> list(map(map(map(w, "spec"), "template"), "spec"), "containers").stream()
                        .flatMap(c -> list(c, "ports").stream())
                        .anyMatch(p -> target.equals(p.get("name")) || target.equals(p.get("containerPort"))));
                if (!served) {
                    problems.add(id(service) + ": port " + port.get("name") + " targets " + target + ", which no selected container has");
                }
            }
        }
    }

    /**
     * Every service pod has a NetworkPolicy of its own that says who reaches it (without one, any pod
     * of the cluster reaches its /internal/** API), reads CLUSTER_SECRET from a Secret, and every pod selector of a
     * policy, its own and those of its rules, matches pods that exist (a misspelt caller admits no one).
     */
    private void networkPolicies(List<Map<String, Object>> workloads) {
        List<Map<String, Object>> policies = kind("NetworkPolicy");
        for (Map<String, Object> workload : workloads) {
            Map<String, Object> template = map(map(workload, "spec"), "template");
            if (!"service".equals(labels(template).get("app.kubernetes.io/component"))) {
                continue;
            }
            // A policy of its own (selecting it by name): one for every service pod, like Prometheus's, admits its scraper only.
            Object name = labels(template).get("app.kubernetes.io/name");
            boolean isolated = policies.stream().anyMatch(p -> list(map(p, "spec"), "policyTypes").contains("Ingress")
                    && name != null && name.equals(map(map(map(p, "spec"), "podSelector"), "matchLabels").get("app.kubernetes.io/name")));
            if (!isolated) {
                problems.add(id(workload) + ": no NetworkPolicy of its own says which pods reach it");
            }
            for (Map<String, Object> container : list(map(template, "spec"), "containers")) {
                boolean secret = list(container, "env").stream().anyMatch(e -> "CLUSTER_SECRET".equals(e.get("name"))
                        && !map(map(e, "valueFrom"), "secretKeyRef").isEmpty());
                if (!secret) {
                    problems.add(id(workload) + " container " + container.get("name") + ": no CLUSTER_SECRET from a Secret");
                }
            }
        }
        for (Map<String, Object> policy : policies) {
            List<Map<String, Object>> selectors = new ArrayList<>();
            selectors.add(map(map(policy, "spec"), "podSelector"));
            for (Map<String, Object> rule : list(map(policy, "spec"), "ingress")) {
                for (Map<String, Object> peer : list(rule, "from")) {
                    if (peer.containsKey("podSelector") && !peer.containsKey("namespaceSelector")) {
                        selectors.add(map(peer, "podSelector"));
                    }
                }
            }
            for (Map<String, Object> selector : selectors) {
                Map<String, Object> matchLabels = map(selector, "matchLabels");
                if (!matchLabels.isEmpty() && workloads.stream()
                        .noneMatch(w -> labels(map(map(w, "spec"), "template")).entrySet().containsAll(matchLabels.entrySet()))) {
                    problems.add(id(policy) + ": pod selector " + matchLabels + " selects no pods");
                }
            }
        }
    }

    private void selects(String kind, List<Map<String, Object>> workloads) {
        for (Map<String, Object> doc : kind(kind)) {
            Map<String, Object> selector = map(map(map(doc, "spec"), "selector"), "matchLabels");
            if (selector.isEmpty() || workloads.stream().noneMatch(w -> labels(map(map(w, "spec"), "template")).entrySet().containsAll(selector.entrySet()))) {
                problems.add(id(doc) + ": selects no pods");
            }
        }
    }

    /** A StatefulSet of several pods (a quorum: kv-store, Kafka, ZooKeeper's ensemble) allows at most one down by choice. */
    private void quorumBudgets(List<Map<String, Object>> workloads) {
        for (Map<String, Object> set : workloads) {
            if (!"StatefulSet".equals(set.get("kind")) || !(map(set, "spec").getOrDefault("replicas", 1) instanceof Number n) || n.intValue() < 2) {
                continue;
            }
            Map<String, Object> podLabels = labels(map(map(set, "spec"), "template"));
            boolean kept = kind("PodDisruptionBudget").stream().anyMatch(pdb -> podLabels.entrySet()
                    .containsAll(map(map(map(pdb, "spec"), "selector"), "matchLabels").entrySet())
                    && Objects.equals(map(pdb, "spec").get("maxUnavailable"), 1));
            if (!kept) {
                problems.add(id(set) + ": no PodDisruptionBudget with maxUnavailable 1 keeps its quorum");
            }
        }
    }

    private void autoscalers(List<Map<String, Object>> workloads, boolean required) {
        Set<String> scaled = new LinkedHashSet<>();
        for (Map<String, Object> hpa : kind("HorizontalPodAutoscaler")) {
            Map<String, Object> target = map(map(hpa, "spec"), "scaleTargetRef");
            String ref = target.get("kind") + "/" + target.get("name");
            if (workloads.stream().noneMatch(w -> ref.equals(w.get("kind") + "/" + map(w, "metadata").get("name")))) {
                problems.add(id(hpa) + ": scales " + ref + ", which does not exist");
            }
            scaled.add(ref);
        }
        if (required) {
            workloads.stream()
                    .filter(w -> "Deployment".equals(w.get("kind")) && "service".equals(map(w, "metadata").get("labels") instanceof Map<?, ?> l ? l.get("app.kubernetes.io/component") : null))
                    .map(w -> "Deployment/" + map(w, "metadata").get("name"))
                    .filter(ref -> !scaled.contains(ref))
                    .forEach(ref -> problems.add(ref + ": a stateless service without a HorizontalPodAutoscaler"));
        }
    }

    /** No schema ships for the operator's CRD here: its selector must match Services that name the endpoint's port. */
    private void serviceMonitors() {
        for (Map<String, Object> monitor : kind("ServiceMonitor")) {
            Map<String, Object> selector = map(map(map(monitor, "spec"), "selector"), "matchLabels");
            List<Map<String, Object>> services = kind("Service").stream()
                    .filter(s -> !selector.isEmpty() && labelsOf(s).entrySet().containsAll(selector.entrySet())).toList();
            if (services.isEmpty()) {
                problems.add(id(monitor) + ": selects no Service");
            }
            List<Map<String, Object>> endpoints = list(map(monitor, "spec"), "endpoints");
            if (endpoints.isEmpty()) {
                problems.add(id(monitor) + ": has no endpoints");
            }
            for (Map<String, Object> endpoint : endpoints) {
                for (Map<String, Object> service : services) {
                    if (list(map(service, "spec"), "ports").stream().noneMatch(p -> Objects.equals(p.get("name"), endpoint.get("port")))) {
                        problems.add(id(monitor) + ": " + id(service) + " has no port named " + endpoint.get("port"));
                    }
                }
            }
        }
    }

    /** The generated ConfigMap (name-hash) holds exactly the files of the folder, byte for byte. */
    private void sameFiles(String configMap, Path folder, String suffix) {
        List<Map<String, Object>> found = kind("ConfigMap").stream()
                .filter(cm -> String.valueOf(map(cm, "metadata").get("name")).matches(configMap + "(-[a-z0-9]{10})?")).toList();
        if (found.size() != 1) {
            problems.add("ConfigMap " + configMap + ": expected once, found " + found.size() + " times");
            return;
        }
        Map<String, Object> data = map(found.getFirst(), "data");
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path file : list.filter(p -> p.toString().endsWith(suffix)).toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!data.keySet().equals(files.keySet())) {
            problems.add("ConfigMap " + configMap + " holds " + data.keySet() + " but " + repository.relativize(folder)
                    + " has " + files.keySet() + " (list every file in the folder's kustomization.yaml)");
        }
        files.forEach((name, content) -> {
            if (data.containsKey(name) && !content.equals(data.get(name))) {
                problems.add("ConfigMap " + configMap + ": " + name + " differs from " + repository.relativize(folder.resolve(name)));
            }
        });
    }

    /** The object against the Kubernetes OpenAPI schema, through the client's model of its apiVersion and kind. */
    private void schema(Map<String, Object> doc) {
        String apiVersion = String.valueOf(doc.get("apiVersion"));
        String kind = String.valueOf(doc.get("kind"));
        if (apiVersion.startsWith("monitoring.coreos.com/")) {
            return; // serviceMonitors()
        }
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        String model = "io.kubernetes.client.openapi.models." + Character.toUpperCase(version.charAt(0)) + version.substring(1) + kind;
        Class<?> type;
        try {
            type = Class.forName(model);
        } catch (ClassNotFoundException e) {
            problems.add(id(doc) + ": no schema for " + apiVersion + " " + kind);
            return;
        }
        Gson gson = GSON;
        JsonElement json = gson.toJsonTree(doc);
        try {
            Method validate = type.getMethod("validateJsonElement", JsonElement.class);
            validate.invoke(null, json);
            Object typed = gson.fromJson(json, type);
            JsonElement back = gson.toJsonTree(typed);
            if (!back.equals(gson.toJsonTree(gson.fromJson(back, type)))) {
                problems.add(id(doc) + ": does not survive a round trip through " + type.getSimpleName());
            }
        } catch (InvocationTargetException e) {
            problems.add(id(doc) + ": " + e.getCause().getMessage());
        } catch (RuntimeException | ReflectiveOperationException e) {
            problems.add(id(doc) + ": not a valid " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    private Set<String> names(String kind) {
        Set<String> names = new LinkedHashSet<>();
        kind(kind).forEach(d -> names.add(String.valueOf(map(d, "metadata").get("name"))));
        return names;
    }

    private List<Map<String, Object>> kind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    private static String id(Map<String, Object> doc) {
        return doc.get("kind") + "/" + map(doc, "metadata").get("name");
    }

    private static Map<String, Object> labels(Map<String, Object> template) {
        return map(map(template, "metadata"), "labels");
    }

    private static Map<String, Object> labelsOf(Map<String, Object> doc) {
        return map(map(doc, "metadata"), "labels");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent == null ? null : parent.get(key);
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        Object value = parent == null ? null : parent.get(key);
        return value instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }
}
