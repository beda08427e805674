package lab.mq.publish;

import java.util.concurrent.CompletableFuture;
import lab.mq.log.PublishRequest;

/** Appends a publish request for the sequencer; completes when the broker acknowledged it (acks=all). */
public interface PublishLog {

    CompletableFuture<Void> append(PublishRequest request);
}
