package lab.kvstore.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.kvstore.antientropy.AntiEntropy;
import lab.kvstore.handoff.HintStore;
import lab.kvstore.membership.Gossiper;
import lab.kvstore.membership.PhiAccrualDetector;
import lab.kvstore.repair.ReadRepair;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What this node believes about its peers, the hints it holds and its repairs (admin token required). */
@RestController
public class ResilienceAdminController {

    private final Gossiper gossiper;
    private final PhiAccrualDetector detector;
    private final HintStore hints;
    private final AntiEntropy antiEntropy;
    private final ReadRepair readRepair;

    public ResilienceAdminController(Gossiper gossiper, PhiAccrualDetector detector, HintStore hints, AntiEntropy antiEntropy,
                                     ReadRepair readRepair) {
        this.gossiper = gossiper;
        this.detector = detector;
        this.hints = hints;
        this.antiEntropy = antiEntropy;
        this.readRepair = readRepair;
    }

    @GetMapping("/admin/membership")
    public Map<String, Object> membership() {
        List<Map<String, Object>> peers = new ArrayList<>();
        var table = gossiper.snapshot();
        for (String peer : gossiper.peers()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("node", peer);
            view.put("state", detector.state(peer).name().toLowerCase());
            double phi = detector.phi(peer);
            view.put("phi", Double.isNaN(phi) ? null : Math.round(phi * 100) / 100.0);
            view.put("millisSinceLastHeartbeat", detector.millisSinceLastHeartbeat(peer));
            view.put("heartbeat", table.get(peer));
            peers.add(view);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", gossiper.self());
        body.put("phiSuspect", detector.suspectPhi());
        body.put("phiDown", detector.downPhi());
        body.put("gossipFanOut", gossiper.fanOut());
        body.put("gossipRounds", gossiper.rounds());
        body.put("peers", peers);
        return body;
    }

    @GetMapping("/admin/hints")
    public Map<String, Object> hints() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("bounds", hints.bounds());
        body.put("pending", hints.pending());
        body.put("pendingTotal", hints.pending().values().stream().mapToLong(HintStore.Pending::hints).sum());
        return body;
    }

    @GetMapping("/admin/repair")
    public Map<String, Object> repair() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("readRepair", readRepair.enabled());
        body.put("antiEntropy", antiEntropy.progress());
        body.put("recentExchanges", antiEntropy.recent());
        return body;
    }
}
