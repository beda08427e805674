package lab.cluster.infra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Only the infrastructure, on the standard ports of DESIGN §4, until Ctrl-C: for running a
 * service from an IDE against real servers. Data stays in the directory given as the first
 * argument (default {@code .cluster/infra}) and is reused by the next run.
 */
public final class InfraMain {

    private InfraMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".cluster/infra");
        Infrastructure infra = Infrastructure.builder(dir)
                .postgres(5432)
                .redis(6379)
                .zookeeper(2181)
                .kafka(List.of(9092, 9093, 9094), List.of(9192, 9193, 9194))
                .readyTimeout(Duration.ofMinutes(3))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping the infrastructure ...");
            infra.close();
            stopped.countDown();
        }, "infra-stop"));
        infra.start();
        System.out.printf("""
                infrastructure is up (data in %s), Ctrl-C stops it
                  postgres   %s  (user postgres, password postgres)
                  redis      %s
                  zookeeper  %s
                  kafka      %s
                %n""", dir.toAbsolutePath(), infra.jdbcUrl("postgres"), infra.redisUri(),
                infra.zookeeperConnect(), infra.kafkaBootstrapServers());
        infra.servers().forEach(server -> System.out.printf("  %-10s pid %d, ready after %d ms, log %s%n",
                server.name(), server.pid().orElse(-1), server.startupTime().toMillis(), server.logFile()));
        stopped.await();
    }
}
