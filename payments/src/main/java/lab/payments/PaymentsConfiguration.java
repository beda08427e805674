package lab.payments;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import lab.payments.idempotency.IdempotencyKeys;
import lab.payments.intent.OperationFinisher;
import lab.payments.intent.OperationStore;
import lab.payments.intent.PaymentCommands;
import lab.payments.intent.PaymentMetrics;
import lab.payments.intent.PaymentResponses;
import lab.payments.intent.PaymentStore;
import lab.payments.intent.RecoveryWorker;
import lab.payments.ledger.LedgerStore;
import lab.payments.outbox.OutboxStore;
import lab.payments.processor.HttpProcessorClient;
import lab.payments.processor.ProcessorClient;
import lab.payments.reconciliation.LedgerVerifier;
import lab.platform.identity.NodeIdentity;
import lab.platform.ids.IdBatchPool;
import lab.platform.ids.IdGeneratorFetcher;
import lab.platform.ids.IdSource;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.Peer;
import lab.platform.internode.TracePropagation;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Wires the plain-Java parts of payments; every algorithm lives in its feature package. */
@Configuration(proxyBeanMethods = false)
class PaymentsConfiguration {

    @Bean
    DatabaseTimeouts databaseTimeouts(@Value("${spring.datasource.hikari.connection-timeout:3000}") long poolMillis,
                                      @Value("${payments.db.connect-timeout-millis}") long connectMillis,
                                      @Value("${payments.db.statement-timeout-millis}") long statementMillis,
                                      @Value("${payments.db.socket-timeout-millis}") long socketMillis) {
        return new DatabaseTimeouts(Duration.ofMillis(poolMillis), Duration.ofMillis(connectMillis), Duration.ofMillis(statementMillis),
                Duration.ofMillis(socketMillis));
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(@Value("${spring.datasource.url}") String url, @Value("${spring.datasource.username}") String user,
                                @Value("${spring.datasource.password}") String password,
                                @Value("${spring.datasource.hikari.maximum-pool-size:16}") int poolSize, DatabaseTimeouts timeouts) {
        DatabaseCreator.ensureExists(url, user, password, timeouts, Duration.ofSeconds(60));
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        timeouts.applyTo(config);
        config.setPoolName("payments");
        return new HikariDataSource(config);
    }

    /**
     * Payment, operation, transaction and event IDs: Snowflake IDs from either id-generator node,
     * prefetched in batches; none reachable and none in hand is a 503, never a local invention.
     */
    @Bean
    IdBatchPool idSource(InterNodeClient client, MeterRegistry meters, @Value("${payments.ids.urls}") String urls,
                         @Value("${payments.ids.batch-size}") int batchSize, @Value("${payments.ids.timeout-millis}") long timeoutMillis) {
        IdBatchPool pool = new IdBatchPool(IdGeneratorFetcher.over(client, Peer.parseList(urls), Duration.ofMillis(timeoutMillis), meters),
                batchSize, Executors.newVirtualThreadPerTaskExecutor());
        Gauge.builder("payments.ids.available", pool, IdBatchPool::available)
                .description("Prefetched IDs in hand; requests answer 503 once this is 0 and no id-generator answers").register(meters);
        pool.prefetchInBackground();
        return pool;
    }

    @Bean
    LedgerStore ledgerStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate) {
        return new LedgerStore(jdbc, jdbcTemplate);
    }

    @Bean
    PaymentStore paymentStore(JdbcClient jdbc) {
        return new PaymentStore(jdbc);
    }

    @Bean
    OperationStore operationStore(JdbcClient jdbc, TracePropagation tracing) {
        return new OperationStore(jdbc, tracing);
    }

    @Bean
    OutboxStore outboxStore(JdbcClient jdbc) {
        return new OutboxStore(jdbc);
    }

    @Bean
    IdempotencyKeys idempotencyKeys(JdbcClient jdbc) {
        return new IdempotencyKeys(jdbc);
    }

    @Bean
    PaymentMetrics paymentMetrics(MeterRegistry meters) {
        return new PaymentMetrics(meters);
    }

    @Bean
    PaymentResponses paymentResponses(JsonMapper json, NodeIdentity identity, TracePropagation tracing) {
        return new PaymentResponses(json, identity.nodeId(), tracing);
    }

    @Bean
    ProcessorClient processorClient(InterNodeClient client, JsonMapper json, MeterRegistry meters,
                                    @Value("${payments.processor.url}") String url,
                                    @Value("${payments.processor.call-timeout-millis}") long timeoutMillis) {
        return new HttpProcessorClient(client, Peer.of("processor", url), json, Duration.ofMillis(timeoutMillis), meters);
    }

    @Bean
    OperationFinisher operationFinisher(TransactionTemplate tx, OperationStore operations, PaymentStore payments, LedgerStore ledger,
                                        OutboxStore outbox, IdempotencyKeys keys, PaymentResponses responses) {
        return new OperationFinisher(tx, operations, payments, ledger, outbox, keys, responses);
    }

    @Bean
    PaymentCommands paymentCommands(TransactionTemplate tx, IdempotencyKeys keys, PaymentStore payments, OperationStore operations,
                                    LedgerStore ledger, OutboxStore outbox, IdSource ids, ProcessorClient processor,
                                    OperationFinisher finisher, PaymentResponses responses, PaymentMetrics metrics,
                                    @Value("${payments.processor.lease-millis}") long leaseMillis) {
        return new PaymentCommands(tx, keys, payments, operations, ledger, outbox, ids, processor, finisher, responses, metrics, leaseMillis);
    }

    @Bean(destroyMethod = "close")
    RecoveryWorker recoveryWorker(TransactionTemplate tx, OperationStore operations, PaymentStore payments, ProcessorClient processor,
                                  OperationFinisher finisher, IdSource ids, PaymentMetrics metrics,
                                  @Value("${payments.processor.lease-millis}") long leaseMillis, TracePropagation tracing) {
        return new RecoveryWorker(tx, operations, payments, processor, finisher, ids, metrics, leaseMillis, tracing);
    }

    @Bean
    LedgerVerifier ledgerVerifier(JdbcClient jdbc, DataSource dataSource, TransactionTemplate tx, ProcessorClient processor,
                                  @Value("${payments.reconciliation.stuck-after-millis}") long stuckAfterMillis) {
        return new LedgerVerifier(jdbc, dataSource, tx, processor, stuckAfterMillis);
    }
}
