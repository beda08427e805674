package lab.mq;

import java.util.LinkedHashMap;
import java.util.Map;
import lab.mq.fanout.FanOut;
import lab.mq.history.Materializer;
import lab.mq.history.MessageStore;
import lab.mq.log.MessageLog;
import lab.mq.publish.PendingPublishes;
import lab.mq.sequence.SequencerStreams;
import lab.platform.ids.IdBatchPool;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /admin/mq}: what this node believes about the log, its sequencer share and its subscribers. */
@RestController
class NodeStatusController {

    private final MessageLog log;
    private final LogFollowers followers;
    private final Materializer materializer;
    private final MessageStore store;
    private final FanOut fanOut;
    private final IdBatchPool ids;
    private final PendingPublishes pending;

    NodeStatusController(MessageLog log, LogFollowers followers, Materializer materializer, MessageStore store, FanOut fanOut,
                         IdBatchPool ids, PendingPublishes pending) {
        this.log = log;
        this.followers = followers;
        this.materializer = materializer;
        this.store = store;
        this.fanOut = fanOut;
        this.ids = ids;
        this.pending = pending;
    }

    @GetMapping("/admin/mq")
    Map<String, Object> status() {
        Map<String, Object> body = new LinkedHashMap<>();
        String problem = log.status();
        body.put("ready", problem == null);
        body.put("status", problem == null ? "following the log" : problem);
        SequencerStreams sequencer = followers.sequencer();
        body.put("sequencer", sequencer == null ? Map.of("state", "not started")
                : Map.of("state", sequencer.state().name(), "activeTasks", sequencer.activeTasks(),
                        "stalledPartitions", followers.stalls().stalledPartitions(), "backlog", followers.stalls().backlog()));
        body.put("materializer", Map.of("caughtUp", materializer.caughtUp(), "lagByPartition", materializer.lagByPartition()));
        body.put("storeChannels", store.channelCount());
        body.put("connections", fanOut.connectionCount());
        body.put("connectionLimit", Map.of("limit", fanOut.limit().limit(), "admitted", fanOut.limit().open(),
                "refused", fanOut.limit().refusedTotal()));
        body.put("idsInHand", ids.available());
        body.put("publishesWaiting", pending.size());
        return body;
    }
}
