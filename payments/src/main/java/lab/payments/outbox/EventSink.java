package lab.payments.outbox;

import java.util.List;

/** Where the relay publishes. Returns only once every event is acknowledged; throws if any is not. */
public interface EventSink {

    void publishAll(List<PendingEvent> events) throws Exception;
}
