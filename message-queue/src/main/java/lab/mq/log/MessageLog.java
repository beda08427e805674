package lab.mq.log;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the node onto the log: creates the topics (retrying until Kafka answers, so a node may
 * start before its brokers), then starts whatever follows the log (the sequencer and the
 * materializer). Until then the node is up but not ready: {@link #status()} says why.
 */
public final class MessageLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MessageLog.class);

    /** What runs on top of the log once the topics exist; started with the broker count. */
    public interface Followers extends AutoCloseable {
        void start(int brokers);

        /** Null when everything is healthy, else what is wrong. */
        String problem();

        @Override
        void close();
    }

    private final KafkaSettings settings;
    private final Followers followers;
    private final Thread starter;
    private volatile String status = "creating topics";
    private volatile boolean started;
    private volatile boolean closing;

    public MessageLog(KafkaSettings settings, Followers followers) {
        this.settings = settings;
        this.followers = followers;
        this.starter = Thread.ofPlatform().name("mq-log-starter").daemon().unstarted(this::bringUp);
    }

    public void start() {
        starter.start();
    }

    private void bringUp() {
        Duration backoff = Duration.ofMillis(500);
        while (!closing) {
            try (Admin admin = Admin.create(adminProperties())) {
                int brokers = new TopicLayout(settings).ensureTopics(admin);
                status = "starting the sequencer and materializer";
                followers.start(brokers);
                started = true;
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                status = "waiting for Kafka at " + settings.bootstrap() + ": " + e.getMessage();
                log.warn("{}; retrying in {} ms", status, backoff.toMillis());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : backoff.multipliedBy(2);
            }
        }
    }

    private Properties adminProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString((int) settings.requestTimeout().toMillis()));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString((int) settings.requestTimeout().toMillis()));
        return p;
    }

    /** Null when the node follows the log and can serve, else what it waits for or what broke. */
    public String status() {
        return started ? followers.problem() : status;
    }


    @Override
    public void close() {
        closing = true;
        starter.interrupt();
        followers.close();
    }
}
