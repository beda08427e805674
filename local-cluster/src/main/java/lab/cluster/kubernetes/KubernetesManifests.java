package lab.cluster.kubernetes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import lab.cluster.compose.ComposeFile;
import lab.cluster.topology.Addresses;
import lab.cluster.topology.KubernetesNames;
import lab.cluster.topology.NodeSettings;
import lab.cluster.topology.ServiceCalls;
import lab.cluster.topology.ServiceNodeSpec;
import lab.cluster.topology.ServiceSpec;
import lab.cluster.topology.Topology;
import lab.cluster.topology.TopologyException;

/**
 * Renders {@code k8s/base/services/} from the topology: for every service its settings (an env
 * file that a kustomize {@code configMapGenerator} turns into a ConfigMap), its workload, Services,
 * PodDisruptionBudget, NetworkPolicy and, for a Deployment, HorizontalPodAutoscaler. Only addresses differ from the
 * local cluster and compose ({@link Addresses#kubernetes}); memory limits and JVM flags are compose's.
 * The committed files are held to this output by {@code KubernetesManifestsTest}; regenerate them with
 * {@code ./mvnw -q -pl local-cluster test -Dtest=KubernetesManifestsTest -Dlab.k8s.write=true}.
 */
public final class KubernetesManifests {

    public static final String DIRECTORY = "k8s/base/services";
    /** Services whose DATA_DIR must outlive a pod (a PersistentVolumeClaim per pod); the others get an emptyDir. */
    public static final Set<String> PERSISTENT_DATA = Set.of("kv-store");
    public static final String DATA_VOLUME_SIZE = "1Gi";
    /** The public entry point: any pod (and an Ingress or port-forward) may reach it; every other service only its callers. */
    public static final Set<String> PUBLIC = Set.of("gateway");
    /** The Secrets every service pod reads: the operator's bearer token and the nodes' credential for /internal/**. */
    public static final String ADMIN_TOKEN_SECRET = "admin-token";
    public static final String CLUSTER_SECRET_SECRET = "cluster-secret";

    private static final String HEADER = """
            # GENERATED from local-cluster/src/main/resources/lab/cluster/topology.yml by
            # lab.cluster.kubernetes.KubernetesManifests; do not edit by hand. Regenerate with
            #   ./mvnw -q -pl local-cluster test -Dtest=KubernetesManifestsTest -Dlab.k8s.write=true
            """;

    private final Topology topology;
    private final KubernetesNames names;
    private final NodeSettings settings;
    private final ServiceCalls calls;

    public KubernetesManifests(Topology topology) {
        this.topology = topology;
        this.names = new KubernetesNames(topology);
        this.calls = new ServiceCalls(topology);
        this.settings = new NodeSettings(topology, Addresses.kubernetes(names), Set.copyOf(topology.nodeNames()));
    }

    /** Every file of {@link #DIRECTORY}, by its name in that directory. */
    public Map<String, String> render() {
        Map<String, String> files = new LinkedHashMap<>();
        StringBuilder kustomization = new StringBuilder(HEADER).append("""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                """);
        for (ServiceSpec service : topology.services()) {
            kustomization.append("  - ").append(service.name()).append(".yaml\n");
        }
        kustomization.append("configMapGenerator:\n");
        for (ServiceSpec service : topology.services()) {
            kustomization.append("  - name: ").append(configMapName(service))
                    .append("\n    envs: [").append(service.name()).append(".env]\n");
            files.put(service.name() + ".env", envFile(service));
            files.put(service.name() + ".yaml", manifests(service));
        }
        files.put("kustomization.yaml", kustomization.toString());
        return files;
    }

    public static String configMapName(ServiceSpec service) {
        return service.name() + "-config";
    }

    /** The settings every pod of the service shares; NODE_ID is the pod's name (downward API), so it is not here. */
    public Map<String, String> environment(ServiceSpec service) {
        Map<String, String> shared = null;
        for (ServiceNodeSpec node : service.nodes()) {
            Map<String, String> env = new LinkedHashMap<>(settings.environment(node));
            env.remove("NODE_ID");
            if (shared != null && !shared.equals(env)) {
                throw new TopologyException("the nodes of " + service.name() + " have settings of their own ("
                        + shared + " vs " + env + "); the pods of one Kubernetes workload share one ConfigMap");
            }
            shared = env;
        }
        // Sorted: the topology's settings are an unordered map, and the committed file must not churn.
        Map<String, String> env = new java.util.TreeMap<>(shared);
        env.put("DATA_DIR", "/data");
        env.put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
        env.put("JAVA_OPTS", ComposeFile.javaOptions(service));
        return env;
    }

    private String envFile(ServiceSpec service) {
        StringBuilder out = new StringBuilder(HEADER);
        environment(service).forEach((k, v) -> {
            if (v.contains("\n")) {
                throw new TopologyException(k + " of " + service.name() + " spans lines; an env file cannot hold it");
            }
            out.append(k).append('=').append(v).append('\n');
        });
        return out.toString();
    }

    private String manifests(ServiceSpec service) {
        boolean stateful = names.isStateful(service);
        boolean persistent = PERSISTENT_DATA.contains(service.name());
        if (persistent && !stateful) {
            throw new TopologyException(service.name() + " keeps its data but no setting names its nodes one by one;"
                    + " make it a StatefulSet in KubernetesNames");
        }
        String workload = names.workloadName(service);
        int replicas = service.nodes().size();
        int memoryMb = ComposeFile.memoryLimitMb(service);
        StringBuilder y = new StringBuilder(HEADER);
        y.append("# ").append(service.name()).append(": ").append(replicas).append(stateful
                ? " pods " + workload + "-0 … " + workload + "-" + (replicas - 1) + " of a StatefulSet (their names are in the settings)"
                : " replicas of a Deployment behind the Service " + service.name()).append(".\n");
        y.append("""
                apiVersion: apps/v1
                kind: %s
                metadata:
                  name: %s
                  labels: {app.kubernetes.io/name: %s, app.kubernetes.io/component: service}
                spec:
                  replicas: %d
                """.formatted(stateful ? "StatefulSet" : "Deployment", workload, service.name(), replicas));
        if (stateful) {
            y.append("""
                      serviceName: %s
                      # All at once: a node is ready only once it reaches its peers, so one at a time would never finish.
                      podManagementPolicy: Parallel
                    """.formatted(workload));
        } else {
            y.append("""
                      strategy:
                        rollingUpdate: {maxUnavailable: 0, maxSurge: 1}
                    """);
        }
        y.append("""
                  selector:
                    matchLabels: {app.kubernetes.io/name: %1$s}
                  template:
                    metadata:
                      labels: {app.kubernetes.io/name: %1$s, app.kubernetes.io/component: service}
                      annotations:
                        prometheus.io/scrape: "true"
                        prometheus.io/port: "8080"
                        prometheus.io/path: /actuator/prometheus
                    spec:
                      serviceAccountName: lab-service
                      automountServiceAccountToken: false
                      terminationGracePeriodSeconds: 30
                      securityContext:
                        runAsNonRoot: true
                        runAsUser: 10001
                        runAsGroup: 10001
                        fsGroup: 10001
                        seccompProfile: {type: RuntimeDefault}
                      affinity:
                        podAntiAffinity:
                          preferredDuringSchedulingIgnoredDuringExecution:
                            - weight: 100
                              podAffinityTerm:
                                topologyKey: kubernetes.io/hostname
                                labelSelector:
                                  matchLabels: {app.kubernetes.io/name: %1$s}
                      containers:
                        - name: %1$s
                          image: lab/%2$s:dev
                          imagePullPolicy: IfNotPresent
                          ports:
                            - {name: http, containerPort: 8080}
                          env:
                            - name: NODE_ID
                              valueFrom: {fieldRef: {fieldPath: metadata.name}}
                            - name: ADMIN_TOKEN
                              valueFrom: {secretKeyRef: {name: %5$s, key: ADMIN_TOKEN}}
                            - name: CLUSTER_SECRET
                              valueFrom: {secretKeyRef: {name: %6$s, key: CLUSTER_SECRET}}
                          envFrom:
                            - configMapRef: {name: %3$s}
                          # Up to 5 minutes to start (compose's start_period) before liveness counts.
                          startupProbe:
                            httpGet: {path: /actuator/health/liveness, port: http}
                            periodSeconds: 5
                            failureThreshold: 60
                          livenessProbe:
                            httpGet: {path: /actuator/health/liveness, port: http}
                            periodSeconds: 10
                            timeoutSeconds: 3
                            failureThreshold: 3
                          readinessProbe:
                            httpGet: {path: /actuator/health/readiness, port: http}
                            periodSeconds: 5
                            timeoutSeconds: 3
                            failureThreshold: 3
                          # The memory limit is compose's mem_limit: the JVM's heap, metaspace, code cache and direct caps.
                          resources:
                            requests: {cpu: 100m, memory: %4$dMi}
                            limits: {cpu: "1", memory: %4$dMi}
                          securityContext:
                            allowPrivilegeEscalation: false
                            readOnlyRootFilesystem: true
                            capabilities: {drop: [ALL]}
                          volumeMounts:
                            - {name: data, mountPath: /data}
                            - {name: tmp, mountPath: /tmp}
                      volumes:
                        - name: tmp
                          emptyDir: {sizeLimit: 256Mi}
                """.formatted(service.name(), service.module(), configMapName(service), memoryMb,
                ADMIN_TOKEN_SECRET, CLUSTER_SECRET_SECRET));
        if (persistent) {
            y.append("""
                      volumeClaimTemplates:
                        - metadata:
                            name: data
                          spec:
                            accessModes: [ReadWriteOnce]
                            resources:
                              requests: {storage: %s}
                    """.formatted(DATA_VOLUME_SIZE));
        } else {
            y.append("""
                            - name: data
                              emptyDir: {sizeLimit: 256Mi}
                    """);
        }
        // A one-node service whose pod is its workload (processor) has one name for both Services:
        // the headless one below is then its entry point too.
        if (!(stateful && workload.equals(service.name()))) {
            y.append("""
                ---
                # The load-balanced entry point of %1$s (what users and port-forwards use).
                apiVersion: v1
                kind: Service
                metadata:
                  name: %1$s
                  labels: {app.kubernetes.io/name: %1$s, app.kubernetes.io/component: service}
                spec:
                  selector: {app.kubernetes.io/name: %1$s}
                  ports:
                    - {name: http, port: 8080, targetPort: http}
                """.formatted(service.name()));
        }
        if (stateful) {
            y.append("""
                    ---
                    # Headless: every pod's own DNS name (%1$s-0.%1$s), published before it is ready so peers find each other.
                    apiVersion: v1
                    kind: Service
                    metadata:
                      name: %1$s
                      labels: {app.kubernetes.io/name: %2$s, app.kubernetes.io/component: peers}
                    spec:
                      clusterIP: None
                      publishNotReadyAddresses: true
                      selector: {app.kubernetes.io/name: %2$s}
                      ports:
                        - {name: http, port: 8080, targetPort: http}
                    """.formatted(workload, service.name()));
        }
        y.append("""
                ---
                # At most one pod down by choice (a drain, an upgrade): %s
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata:
                  name: %s
                spec:
                  maxUnavailable: 1
                  selector:
                    matchLabels: {app.kubernetes.io/name: %s}
                """.formatted(stateful ? "the others keep their quorums (N=3, W=2, R=2) and peers." : "the others keep serving.",
                service.name(), service.name()));
        y.append(networkPolicy(service));
        if (!stateful) {
            y.append("""
                    ---
                    apiVersion: autoscaling/v2
                    kind: HorizontalPodAutoscaler
                    metadata:
                      name: %1$s
                    spec:
                      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: %1$s}
                      minReplicas: %2$d
                      maxReplicas: %3$d
                      metrics:
                        - type: Resource
                          resource:
                            name: cpu
                            target: {type: Utilization, averageUtilization: 70}
                    """.formatted(service.name(), replicas, replicas * 3));
        }
        return y.toString();
    }

    /**
     * Who reaches the service's port: anyone for the {@link #PUBLIC} entry point; otherwise the
     * service's own pods and the services the topology says call it ({@link ServiceCalls}).
     * Prometheus has a policy of its own beside its Deployment (NetworkPolicies add up). A pod
     * selected by a NetworkPolicy admits nothing else, so a compromised or curious pod elsewhere in
     * the namespace cannot reach a node's {@code /internal/**}.
     */
    private String networkPolicy(ServiceSpec service) {
        boolean open = PUBLIC.contains(service.name());
        Set<String> admitted = open ? Set.of() : calls.callersOf(service);
        StringBuilder y = new StringBuilder();
        y.append("""
                ---
                # %2$s
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: %1$s
                spec:
                  podSelector:
                    matchLabels: {app.kubernetes.io/name: %1$s}
                  policyTypes: [Ingress]
                  ingress:
                """.formatted(service.name(), open
                ? service.name() + " is the public entry point: every client may reach its port, and nothing else of its pods."
                : "Only these pods reach " + service.name() + " (its /internal/** API included): " + String.join(", ", admitted)
                        + "; and Prometheus (its own policy)."));
        if (!open) {
            y.append("    - from:\n");
            for (String from : admitted) {
                y.append("        - podSelector: {matchLabels: {app.kubernetes.io/name: ").append(from).append("}}\n");
            }
        }
        y.append(open ? "    - ports:\n" : "      ports:\n").append("        - {port: http}\n");
        return y.toString();
    }
}
