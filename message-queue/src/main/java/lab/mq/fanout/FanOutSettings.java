package lab.mq.fanout;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param sendQueueCapacity live messages a connection may have waiting; beyond it the connection
 *                          stops taking live messages and catches up from the store instead
 * @param writeTimeout a socket that accepts nothing for this long is closed (the client resumes)
 * @param catchUpPage messages read from the store at a time while catching up
 * @param maxSubscriptionsPerConnection channels one WebSocket may follow
 * @param heartbeat idle time after which a heartbeat is sent
 * @param maxConnections subscriber connections (SSE and WebSocket) the node admits; 0 derives it
 *                       from the heap ({@link ConnectionLimit#resolve})
 */
@ConfigurationProperties("mq.fanout")
public record FanOutSettings(int sendQueueCapacity, Duration writeTimeout, int catchUpPage,
                             int maxSubscriptionsPerConnection, @DefaultValue("15s") Duration heartbeat,
                             @DefaultValue("0") int maxConnections) {

    public FanOutSettings {
        if (sendQueueCapacity < 1 || catchUpPage < 1 || maxSubscriptionsPerConnection < 1 || maxConnections < 0) {
            throw new IllegalArgumentException("mq.fanout sizes must be positive");
        }
        if (writeTimeout == null || writeTimeout.toMillis() < 100 || heartbeat == null || heartbeat.toMillis() < 10) {
            throw new IllegalArgumentException("mq.fanout.write-timeout and heartbeat must be set");
        }
    }
}
