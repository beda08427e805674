package lab.cluster.compose;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The smoke checks of a running containerized cluster, through the ports it publishes on
 * 127.0.0.1: one call per service succeeds (the gateway's through one of its routes),
 * Prometheus has every target up, Grafana is healthy, and killing one node per service
 * ({@code docker-compose kill kv-3}, {@code mq-2}, {@code kafka-2}, ...) leaves the service answering.
 *
 * <p>JDK only, so it runs as a single source file after {@code compose-rig/smoke}:
 * {@code scripts/compose-smoke} does {@code java cluster-tests/src/test/java/lab/cluster/compose/ComposeSmoke.java};
 * {@code ComposeClusterIT} runs the same checks from JUnit on a cluster Testcontainers started.
 */
public final class ComposeSmoke {

    /** A call that must succeed on a service, and the node to kill while another node keeps answering. */
    record ServiceCheck(String service, String method, String path, String body, Set<Integer> okStatus, String answeringNode,
                        int answeringPort, String killNode) {
    }

    /** One entry per service, in topology order; services absent from the compose file are skipped (and said so). */
    static final List<ServiceCheck> CHECKS = List.of(
            new ServiceCheck("idgen-1", "POST", "/ids?count=3", "", Set.of(200), "idgen-1", 8101, "idgen-2"),
            new ServiceCheck("ratelimit-1", "POST", "/limits/default/smoke/acquire", "", Set.of(200, 429), "ratelimit-1", 8201, "ratelimit-2"),
            new ServiceCheck("kv-1", "PUT", "/kv/compose-smoke", "value", Set.of(204), "kv-1", 8301, "kv-3"),
            new ServiceCheck("processor", "GET", "/actuator/health/readiness", "", Set.of(200), "processor", 8490, null),
            new ServiceCheck("payments-1", "GET", "/accounts/merch_1", "", Set.of(200), "payments-1", 8401, "payments-2"),
            new ServiceCheck("mq-1", "POST", "/channels/compose-smoke/messages", "{\"sender\":\"smoke\",\"text\":\"hello\"}",
                    Set.of(201), "mq-1", 8501, "mq-2"),
            // Through the edge: a route to the id-generator.
            new ServiceCheck("gateway", "POST", "/ids?count=1", "", Set.of(200), "gateway", 8080, null));
    /** Infrastructure nodes the issue names for the kill drill, with the service node that must keep answering. */
    static final List<String> INFRA_KILLS = List.of("kafka-2");

    private final Path composeFile;
    private final Consumer<String> log;
    private final NodeKiller killer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> failures = new ArrayList<>();
    /** Added to every host port: scripts/compose-smoke shifts them when a ./cluster holds the standard ones. */
    private final int portOffset = Integer.parseInt(System.getenv().getOrDefault("PORT_OFFSET", "0"));

    /** Kills nodes with {@code docker-compose -f FILE kill NODE} (the project of that file, in its directory). */
    public ComposeSmoke(Path composeFile, Consumer<String> log) {
        this.composeFile = composeFile;
        this.log = log;
        this.killer = node -> compose("kill", node);
    }

    /** With another way to SIGKILL a node's container (a test that started the project under its own name). */
    public ComposeSmoke(Path composeFile, Consumer<String> log, NodeKiller killer) {
        this.composeFile = composeFile;
        this.log = log;
        this.killer = killer;
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "docker-compose.yml");
        List<String> failures = new ComposeSmoke(file, System.out::println).run();
        if (!failures.isEmpty()) {
            System.out.println("FAILED:");
            failures.forEach(f -> System.out.println("  " + f));
            System.exit(1);
        }
        System.out.println("compose smoke: all checks passed");
    }

    /** Runs every check; returns what failed (empty: all passed). Leaves killed nodes down. */
    public List<String> run() throws Exception {
        List<String> services = compose("config", "--services");
        log.accept("services in " + composeFile + ": " + services.size());

        for (ServiceCheck check : CHECKS) {
            if (!services.contains(check.service())) {
                log.accept(check.service() + ": not in this compose file yet");
                continue;
            }
            expect(check.service() + " " + check.method() + " " + check.path(),
                    () -> check.okStatus().contains(status(check.method(), check.answeringPort(), check.path(), check.body())));
        }
        expect("prometheus: every target up", this::everyTargetUp);
        expect("grafana: /api/health", () -> status("GET", 3000, "/api/health", "") == 200);

        for (ServiceCheck check : CHECKS) {
            if (check.killNode() != null && services.contains(check.killNode())) {
                killer.kill(check.killNode());
                log.accept("killed " + check.killNode());
                expect(check.answeringNode() + " answers with " + check.killNode() + " killed",
                        () -> check.okStatus().contains(status(check.method(), check.answeringPort(), check.path(), check.body())));
            }
        }
        for (String infra : INFRA_KILLS) {
            if (services.contains(infra)) {
                killer.kill(infra);
                log.accept("killed " + infra);
                // Every service node still ready (the ones not killed above): a broker loss leaves a quorum of two.
                for (ServiceCheck check : CHECKS) {
                    if (services.contains(check.answeringNode())) {
                        expect(check.answeringNode() + " ready with " + infra + " killed",
                                () -> status("GET", check.answeringPort(), "/actuator/health/readiness", "") == 200);
                    }
                }
            }
        }
        return failures;
    }

    /** Polls for up to 60 s: a check may need a few scrapes or a breaker to settle. */
    private void expect(String what, Check check) {
        Instant deadline = Instant.now().plusSeconds(60);
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            try {
                if (check.ok()) {
                    log.accept("ok    " + what);
                    return;
                }
                last = "not yet";
            } catch (Exception e) {
                last = e.toString();
            }
            try {
                Thread.sleep(2000);   // a poll interval, not a wait for a condition: the loop re-checks
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        log.accept("FAIL  " + what + " (" + last + ")");
        failures.add(what + " (" + last + ")");
    }

    private boolean everyTargetUp() throws Exception {
        String body = get(9090, "/api/v1/targets?state=active");
        Matcher health = Pattern.compile("\"health\":\"([a-z]+)\"").matcher(body);
        int up = 0;
        int total = 0;
        while (health.find()) {
            total++;
            if (health.group(1).equals("up")) {
                up++;
            }
        }
        log.accept("      prometheus targets up: " + up + "/" + total);
        return total > 0 && up == total;
    }

    private int status(String method, int port, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (port + portOffset) + path))
                .header("Content-Type", body.startsWith("{") ? "application/json" : "text/plain")
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String get(int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (port + portOffset) + path)).timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private List<String> compose(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-f", composeFile.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed");
        }
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    @FunctionalInterface
    public interface NodeKiller {
        void kill(String node) throws Exception;
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }
}
