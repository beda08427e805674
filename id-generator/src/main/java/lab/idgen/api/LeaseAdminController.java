package lab.idgen.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.idgen.clock.OffsetClock;
import lab.idgen.core.IdGenerator;
import lab.idgen.core.IdLayout;
import lab.idgen.lease.LeaseView;
import lab.idgen.lease.ZooKeeperWorkerLease;
import lab.idgen.reservation.LocalHighWaterMark;
import lab.platform.identity.NodeIdentity;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /admin/lease}: what this node believes about its worker ID, its marks and its clock. */
@RestController
public class LeaseAdminController {

    private final ZooKeeperWorkerLease leases;
    private final IdGenerator generator;
    private final LocalHighWaterMark localMark;
    private final OffsetClock clock;
    private final IdLayout layout;
    private final NodeIdentity identity;

    public LeaseAdminController(ZooKeeperWorkerLease leases, IdGenerator generator, LocalHighWaterMark localMark, OffsetClock clock,
                                IdLayout layout, NodeIdentity identity) {
        this.leases = leases;
        this.generator = generator;
        this.localMark = localMark;
        this.clock = clock;
        this.layout = layout;
        this.identity = identity;
    }

    @GetMapping(path = "/admin/lease", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> lease() {
        LeaseView view = leases.view();
        IdGenerator.State state = generator.state();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", identity.nodeId());
        body.put("state", view.state());
        body.put("status", view.status());
        body.put("workerId", view.workerId());
        body.put("epoch", view.epoch());
        body.put("fencingVersion", view.fencingVersion());
        body.put("acquiredAt", view.acquiredAt());
        body.put("validUntil", view.validUntil());
        body.put("remainingMillis", view.remainingMillis());
        body.put("sessionId", view.sessionId());
        body.put("sessionTimeoutMillis", view.sessionTimeoutMillis());
        body.put("safetyMarginMillis", view.safetyMarginMillis());
        body.put("freeWorkerIds", view.freeWorkerIds());
        body.put("workerIdCount", view.workerIdCount());

        Map<String, Object> marks = new LinkedHashMap<>();
        long local = localMark.persistedMillis();
        marks.put("localMillis", local);
        marks.put("local", Instant.ofEpochMilli(local));
        marks.put("workerRecordMillis", view.reservedUntilMillis());
        marks.put("workerRecord", view.reservedUntilMillis() == null ? null : Instant.ofEpochMilli(view.reservedUntilMillis()));
        marks.put("lastIssuedMillis", state.lastMillis());
        marks.put("lastIssued", Instant.ofEpochMilli(state.lastMillis()));
        body.put("highWaterMark", marks);

        Map<String, Object> clockJson = new LinkedHashMap<>();
        clockJson.put("nowMillis", state.clockMillis());
        clockJson.put("offsetMillis", clock.offsetMillis());
        clockJson.put("aheadOfClockMillis", state.aheadOfClockMillis());
        clockJson.put("maxBackwardMillis", generator.maxBackwardMillis());
        body.put("clock", clockJson);
        body.put("layout", IdsController.layoutJson(layout));
        body.put("history", view.history());
        return body;
    }
}
