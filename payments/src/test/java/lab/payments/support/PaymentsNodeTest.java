package lab.payments.support;

import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One payments node in the test JVM against the shared real PostgreSQL, Kafka and processor. The
 * database is created by the node itself at start-up (as in the cluster). Tests share it, so they
 * use fresh idempotency keys and assert on their own payments plus global invariants.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "lab.node.id=payments-1", "lab.admin.token=" + TestInfrastructure.ADMIN_TOKEN,
        "payments.processor.call-timeout-millis=3000", "payments.processor.lease-millis=4000",
        "payments.reconciliation.interval-millis=3600000"})
public abstract class PaymentsNodeTest {

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure infra = TestInfrastructure.get();
        registry.add("spring.datasource.url", () -> infra.jdbcUrl("payments"));
        registry.add("spring.kafka.bootstrap-servers", infra.kafka::getBrokersAsString);
        registry.add("payments.processor.url", infra.processorUrl::toString);
        registry.add("payments.ids.urls", infra::idGeneratorPeers);
    }

    protected URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    protected static URI processor() {
        return TestInfrastructure.get().processorUrl;
    }

    protected static void processorDrill(String json) {
        Http.Reply r = Http.admin(processor(), "POST", "/admin/faults", TestInfrastructure.ADMIN_TOKEN, json);
        if (r.status() != 200) {
            throw new IllegalStateException("drill refused: " + r.status() + " " + r.body());
        }
    }

    @AfterEach
    void clearDrills() {
        Http.admin(processor(), "DELETE", "/admin/faults", TestInfrastructure.ADMIN_TOKEN, null);
    }
}
