package lab.payments.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.payments.PaymentsApplication;
import lab.payments.support.Http;
import lab.payments.support.TestInfrastructure;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Payments per second against pgbench (TPC-B-like) on the same PostgreSQL server, same number of
 * clients, in the same run: the ratio is what to read, since the machine is shared and noisy.
 * Not a test; run it with {@code payments/bench.sh} (see docs/payments.md).
 *
 * <p>Each payment is a POST /payments with a fresh Idempotency-Key and automatic capture: two
 * database transactions (pre-call and post-call), a processor call over HTTP (the processor
 * fsyncs its journal), ledger postings on three accounts, two outbox events relayed to Kafka.
 */
public final class PaymentsBenchmark {

    record Result(String name, long ops, double seconds, long[] latenciesMicros, long errors, String cpu) {
        double perSecond() {
            return ops / seconds;
        }

        long percentileMicros(double p) {
            return latenciesMicros.length == 0 ? 0 : latenciesMicros[(int) Math.min(latenciesMicros.length - 1, Math.floor(p * latenciesMicros.length))];
        }

        String line() {
            return String.format("%-34s %8.1f /s   p50 %6.1f ms   p99 %7.1f ms   (%d ops, %d errors, %.0f s)%n%s", name, perSecond(),
                    percentileMicros(0.50) / 1000.0, percentileMicros(0.99) / 1000.0, ops, errors, seconds, cpu);
        }
    }

    public static void main(String[] args) throws Exception {
        int clients = Integer.getInteger("clients", 16);
        int seconds = Integer.getInteger("seconds", 30);
        // The payments and processor JVMs start cold; C2 compiles the hot paths only after ~10 000
        // calls, so a short warm-up measures the interpreter and the JIT compiler, not the design.
        int warmupSeconds = Integer.getInteger("warmupSeconds", 60);
        TestInfrastructure infra = TestInfrastructure.get();
        ConfigurableApplicationContext app = new SpringApplicationBuilder(PaymentsApplication.class).run(
                "--server.port=0", "--lab.node.id=payments-1", "--lab.admin.token=" + TestInfrastructure.ADMIN_TOKEN,
                "--spring.datasource.url=" + infra.jdbcUrl("payments"), "--spring.kafka.bootstrap-servers=" + infra.kafka.getBrokersAsString(),
                "--payments.processor.url=" + infra.processorUrl, "--payments.ids.urls=" + infra.idGeneratorPeers(), "--payments.reconciliation.interval-millis=3600000",
                "--logging.level.root=WARN", "--spring.datasource.hikari.maximum-pool-size=" + (clients + 4));
        URI base = URI.create("http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort());
        try {
            System.out.println("warming up for " + warmupSeconds + " s ...");
            System.out.println(payments(base, clients, warmupSeconds, false).line().replace("payments, spread", "warm-up,  spread"));
            Result pgbench = pgbench(infra, clients, seconds);
            StatementProfile statements = Boolean.getBoolean("pgStatements") ? StatementProfile.start(infra.jdbcUrl("payments")) : null;
            Result spread = payments(base, clients, seconds, false);
            String statementReport = statements == null ? null : statements.report(spread.ops());
            Result hot = payments(base, clients, seconds, true);
            Http.Reply verify = Http.get(base, "/ledger/verify");
            // The payment's SQL alone runs last, with the payments node stopped: its rows have no
            // processor charge (reconciliation would list them) and no relay may publish its events.
            app.close();
            Result sqlOnly = paymentSql(infra, clients, seconds);
            System.out.println();
            System.out.println("== payments vs pgbench, " + clients + " clients, " + Runtime.getRuntime().availableProcessors() + " cores, PostgreSQL with fsync on ==");
            System.out.println(pgbench.line());
            System.out.println(spread.line());
            System.out.println(hot.line());
            System.out.println(sqlOnly.line());
            if (statementReport != null) {
                System.out.println(statementReport);
            }
            System.out.printf("ratio payments/pgbench: %.2f   hot-merchant/spread: %.2f   a payment's SQL alone/pgbench: %.2f%n",
                    spread.perSecond() / pgbench.perSecond(), hot.perSecond() / spread.perSecond(), sqlOnly.perSecond() / pgbench.perSecond());
            System.out.println("reconciliation after the runs: anomalyCount=" + verify.json().get("anomalyCount") + ", took "
                    + verify.json().get("tookMillis") + " ms for " + verify.json().get("totals"));
        } finally {
            app.close();
            System.exit(0);
        }
    }

    /** Closed loop: each client sends its next payment as soon as the previous one is answered. */
    static Result payments(URI base, int clients, int seconds, boolean hotMerchant) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong errors = new AtomicLong();
        List<long[]> perClient = new ArrayList<>();
        Map<String, Double> cpuBefore = CpuAccount.snapshot();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<long[]>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    long[] latencies = new long[1 << 16];
                    int n = 0;
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (System.nanoTime() < end) {
                        String merchant = hotMerchant && random.nextBoolean() ? "merch_1" : "merch_" + (1 + random.nextInt(10));
                        String body = "{\"amount\":" + (100 + random.nextInt(10_000)) + ",\"currency\":\"EUR\",\"customer\":\"cust_"
                                + (1 + random.nextInt(1000)) + "\",\"merchant\":\"" + merchant + "\"}";
                        long t0 = System.nanoTime();
                        Http.Reply reply = Http.post(base, "/payments", UUID.randomUUID().toString(), body);
                        long took = (System.nanoTime() - t0) / 1000;
                        if (reply.status() != 201) {
                            errors.incrementAndGet();
                        } else if (n < latencies.length) {
                            latencies[n++] = took;
                        }
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
            for (var f : futures) {
                perClient.add(f.get());
            }
        }
        double took = (System.nanoTime() - start) / 1e9;
        Map<String, Double> cpuAfter = CpuAccount.snapshot();
        long[] all = perClient.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(hotMerchant ? "payments, hot merchant (50 %)" : "payments, spread over 10 merchants", all.length, took, all, errors.get(),
                CpuAccount.perOperation(cpuBefore, cpuAfter, all.length));
    }

    /** pgbench's TPC-B-like script on its own database of the same server, scale 10, same client count. */
    static Result pgbench(TestInfrastructure infra, int clients, int seconds) throws Exception {
        String port = Integer.toString(infra.postgres.getPort());
        run(PG_ENV, "psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-c", "DROP DATABASE IF EXISTS pgbench", "postgres");
        run(PG_ENV, "psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-c", "CREATE DATABASE pgbench", "postgres");
        run(PG_ENV, "pgbench", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-i", "-q", "-s", "10", "pgbench");
        return pgbenchRun(infra, "pgbench TPC-B-like (scale 10)", "pgbench", clients, seconds);
    }

    /**
     * {@code bench/payment.pgbench}: the statements of one payment in its two transactions, sent by
     * pgbench on the payments database. Without the JVMs, HTTP, the processor and the relay, it is
     * the most this schema and these phases allow, whatever the application around them.
     */
    static Result paymentSql(TestInfrastructure infra, int clients, int seconds) throws Exception {
        return pgbenchRun(infra, "a payment's SQL alone (pgbench)", "payments", clients, seconds, "-n", "-f", "bench/payment.pgbench");
    }

    private static final Map<String, String> PG_ENV = Map.of("PGPASSWORD", "postgres");

    private static Result pgbenchRun(TestInfrastructure infra, String name, String database, int clients, int seconds,
                                     String... script) throws Exception {
        String port = Integer.toString(infra.postgres.getPort());
        Path logDir = Files.createTempDirectory("pgbench");
        List<String> command = new ArrayList<>(List.of("pgbench", "-h", "127.0.0.1", "-p", port, "-U", "postgres",
                "-c", Integer.toString(clients), "-j", "2", "-T", Integer.toString(seconds), "-M", "prepared",
                "-l", "--log-prefix=" + logDir.resolve("tx")));
        command.addAll(List.of(script));
        command.add(database);
        Map<String, Double> cpuBefore = CpuAccount.snapshot();
        String out = run(PG_ENV, command.toArray(String[]::new));
        Map<String, Double> cpuAfter = CpuAccount.snapshot();
        Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
        Matcher failed = Pattern.compile("number of failed transactions: ([0-9]+)").matcher(out);
        if (!tps.find()) {
            throw new IllegalStateException("no tps in pgbench output:\n" + out);
        }
        List<Long> latencies = new ArrayList<>();
        try (var logs = Files.list(logDir)) {
            for (Path log : logs.toList()) {
                for (String line : Files.readAllLines(log)) {
                    latencies.add(Long.parseLong(line.split(" ")[2])); // client_id transaction_no time(us) ...
                }
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        double rate = Double.parseDouble(tps.group(1));
        long transactions = (long) (rate * seconds);
        return new Result(name, transactions, seconds, sorted, failed.find() ? Long.parseLong(failed.group(1)) : 0,
                CpuAccount.perOperation(cpuBefore, cpuAfter, transactions));
    }

    private static String run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }
}
