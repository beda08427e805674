package lab.mq.log;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether any broker of the log answers now: a metadata request with a short deadline, asked at
 * most once per {@code recheckAfter} however often the readiness probe comes. A node whose
 * brokers are all away cannot take a publish (it would answer 503 after its publish deadline),
 * so it reports itself not ready; it stays live, since waiting is all it can do.
 */
public final class KafkaReachability implements AutoCloseable {

    private final Admin admin;
    private final String bootstrap;
    private final Duration answerWithin;
    private final Duration recheckAfter;
    private volatile Checked last;

    private record Checked(long atNanos, String problem) {
    }

    public KafkaReachability(KafkaSettings settings, Duration answerWithin, Duration recheckAfter) {
        this.bootstrap = settings.bootstrap();
        this.answerWithin = answerWithin;
        this.recheckAfter = recheckAfter;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "mq-reachability");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(answerWithin.toMillis()));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(answerWithin.toMillis()));
        this.admin = Admin.create(p);
    }

    /** Null when a broker answered within the deadline (now or at most {@code recheckAfter} ago), else why not. */
    public String problem() {
        Checked checked = last;
        if (checked == null || System.nanoTime() - checked.atNanos() > recheckAfter.toNanos()) {
            synchronized (this) {
                checked = last;
                if (checked == null || System.nanoTime() - checked.atNanos() > recheckAfter.toNanos()) {
                    checked = new Checked(System.nanoTime(), ask());
                    last = checked;
                }
            }
        }
        return checked.problem();
    }

    private String ask() {
        int millis = (int) answerWithin.toMillis();
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).nodes().get(millis + 200L, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            return "no Kafka broker at " + bootstrap + " answered within " + millis + " ms: " + cause.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while asking Kafka";
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
