package lab.payments.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import lab.payments.support.Http;
import lab.payments.support.PaymentsNodeTest;
import lab.payments.support.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The node's real PostgreSQL frozen (every one of its processes stopped with SIGSTOP, as a hung
 * host or a network that drops packets looks to a client) and a table locked by another session:
 * each call is a 503 with Retry-After within its deadline, never a 500 and never a hang; the node
 * stays live and leaves readiness; once the database is back, the client's retry with the same
 * key gives one payment, charged once, and the ledger verifies clean.
 */
class DatabaseAwayIT extends PaymentsNodeTest {

    /** The pool wait (3 s) or the socket timeout (8 s), whichever bites, plus slack for a loaded machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(14);

    @Autowired
    JdbcClient jdbc;

    private static final String BODY = "{\"amount\":2500,\"currency\":\"EUR\",\"customer\":\"cust_21\",\"merchant\":\"merch_5\"}";

    @Test
    void aFrozenDatabaseIsA503WithRetryAfterAndTheRetryAfterwardsChargesOnce() throws Exception {
        Http.Reply before = Http.post(base(), "/payments", UUID.randomUUID().toString(), BODY);
        assertThat(before.status()).as(before.body()).isEqualTo(201);
        String existing = before.json().get("id").asString();
        List<Long> postgres = postgresProcesses();
        String key = UUID.randomUUID().toString();

        signal("STOP", postgres);
        try {
            assertUnavailableInTime(() -> Http.post(base(), "/payments", key, BODY));
            assertUnavailableInTime(() -> Http.get(base(), "/payments/" + existing));
            assertUnavailableInTime(() -> Http.get(base(), "/accounts/cust_21"));
            assertThat(Http.get(base(), "/actuator/health/liveness").status()).as("live: restarting it would not bring the database back")
                    .isEqualTo(200);
            assertThat(Http.get(base(), "/actuator/health/readiness").status()).isEqualTo(503);
        } finally {
            signal("CONT", postgres);
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> Http.get(base(), "/actuator/health/readiness").status() == 200);
        Http.Reply created = Http.postUntilCreated(base(), key, BODY);
        String id = created.json().get("id").asString();
        assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE idempotency_key = ?").param(key).query(Long.class).single()).isEqualTo(1);
        assertThat(Http.get(processor(), "/charges/" + id).json().get("authorizations").asInt()).as("charged once").isEqualTo(1);
        assertThat(Http.get(base(), "/ledger/verify").json().get("anomalyCount").asLong()).isZero();
    }

    @Test
    void aStatementWaitingOnAnotherSessionsLockIsCancelledByTheServerAndAnswered503() throws Exception {
        String key = UUID.randomUUID().toString();
        try (Connection blocker = DriverManager.getConnection(TestInfrastructure.get().jdbcUrl("payments"), "postgres", "postgres")) {
            blocker.setAutoCommit(false);
            try (Statement lock = blocker.createStatement()) {
                lock.execute("LOCK TABLE payments IN ACCESS EXCLUSIVE MODE");
            }
            assertUnavailableInTime(() -> Http.post(base(), "/payments", key, BODY));
            blocker.rollback();
        }
        Http.Reply created = Http.postUntilCreated(base(), key, BODY);
        String id = created.json().get("id").asString();
        assertThat(Http.get(processor(), "/charges/" + id).json().get("authorizations").asInt()).isEqualTo(1);
        assertThat(Http.get(base(), "/ledger/verify").json().get("anomalyCount").asLong()).isZero();
    }

    private static void assertUnavailableInTime(java.util.function.Supplier<Http.Reply> call) {
        long started = System.nanoTime();
        Http.Reply reply = call.get();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(reply.status()).as(reply.body()).isEqualTo(503);
        assertThat(reply.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        assertThat(reply.headers().firstValue("Retry-After")).isPresent();
        assertThat(reply.json().get("type").asString()).isEqualTo("/problems/database-unavailable");
        assertThat(took).as("answered within the database deadlines").isLessThan(DEADLINE);
    }

    /** The postmaster (the parent of this session's backend) and all its children. */
    private List<Long> postgresProcesses() {
        long backend = jdbc.sql("SELECT pg_backend_pid()").query(Long.class).single();
        ProcessHandle postmaster = ProcessHandle.of(backend).flatMap(ProcessHandle::parent).orElseThrow();
        List<Long> pids = new ArrayList<>();
        pids.add(postmaster.pid());
        postmaster.children().forEach(child -> pids.add(child.pid()));
        return pids;
    }

    private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        Process kill = new ProcessBuilder(command).inheritIO().start();
        assertThat(kill.waitFor()).as(String.join(" ", command)).isZero();
    }
}
