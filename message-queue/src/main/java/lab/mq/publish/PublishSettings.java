package lab.mq.publish;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param maxTextChars longest message text accepted
 * @param maxSenderChars longest sender accepted
 * @param ackTimeout how long a publish waits for the broker's ack and then the sequencer's answer
 */
@ConfigurationProperties("mq.publish")
public record PublishSettings(int maxTextChars, int maxSenderChars, Duration ackTimeout) {

    public PublishSettings {
        if (maxTextChars < 1 || maxSenderChars < 1) {
            throw new IllegalArgumentException("message limits must be positive");
        }
        if (ackTimeout == null || ackTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("mq.publish.ack-timeout must be at least 100ms, got " + ackTimeout);
        }
    }
}
