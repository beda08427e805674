package lab.kvstore.membership;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The phi-accrual failure detector (Hayashibara et al. 2004) as Cassandra uses it: for each
 * peer it keeps the last intervals between heartbeats and reports
 * {@code phi = (time since the last heartbeat / mean interval) * log10(e)}, the suspicion level
 * under an exponential model of arrival times. phi 1 means a 10 % chance the peer is still
 * alive and only late, phi 8 one in 10^8. The thresholds turn phi into {@link PeerState}.
 *
 * <p>Adaptive: a peer whose heartbeats arrive slowly (a loaded machine) gets a larger mean and
 * so more patience. The mean never goes below {@code minMeanMillis}, so a burst of quick
 * heartbeats cannot make the next ordinary gap look like a failure.
 */
public final class PhiAccrualDetector implements PeerHealth {

    private static final double LOG10_E = Math.log10(Math.E);

    private final LongSupplier clockMillis;
    private final int windowSize;
    private final long minMeanMillis;
    private final double suspectPhi;
    private final double downPhi;
    private final Map<String, ArrivalWindow> windows = new ConcurrentHashMap<>();

    public PhiAccrualDetector(LongSupplier clockMillis, int windowSize, long minMeanMillis, double suspectPhi, double downPhi) {
        if (windowSize < 1 || minMeanMillis < 1 || suspectPhi <= 0 || downPhi < suspectPhi) {
            throw new IllegalArgumentException("need window >= 1, min mean >= 1 ms and 0 < suspect phi <= down phi");
        }
        this.clockMillis = clockMillis;
        this.windowSize = windowSize;
        this.minMeanMillis = minMeanMillis;
        this.suspectPhi = suspectPhi;
        this.downPhi = downPhi;
    }

    /** A fresh heartbeat of the peer arrived (directly or through gossip). */
    public void heartbeat(String node) {
        windows.computeIfAbsent(node, n -> new ArrivalWindow(windowSize)).arrived(clockMillis.getAsLong());
    }

    /** The peer restarted or was never heard: forget its history so old gaps do not skew the mean. */
    public void forget(String node) {
        windows.remove(node);
    }

    /** Suspicion now; {@code NaN} for a peer never heard from. */
    public double phi(String node) {
        ArrivalWindow window = windows.get(node);
        if (window == null) {
            return Double.NaN;
        }
        return window.phi(clockMillis.getAsLong(), minMeanMillis);
    }

    @Override
    public PeerState state(String node) {
        double phi = phi(node);
        if (Double.isNaN(phi)) {
            return PeerState.UNKNOWN;
        }
        return phi >= downPhi ? PeerState.DOWN : phi >= suspectPhi ? PeerState.SUSPECT : PeerState.ALIVE;
    }

    /** Milliseconds since the peer's last heartbeat, -1 when never heard. */
    public long millisSinceLastHeartbeat(String node) {
        ArrivalWindow window = windows.get(node);
        return window == null ? -1 : clockMillis.getAsLong() - window.lastArrivalMillis();
    }

    public double suspectPhi() {
        return suspectPhi;
    }

    public double downPhi() {
        return downPhi;
    }

    private static final class ArrivalWindow {
        private final int capacity;
        private final ArrayDeque<Long> intervalsMillis = new ArrayDeque<>();
        private long sumMillis;
        private long lastArrivalMillis = -1;

        ArrivalWindow(int capacity) {
            this.capacity = capacity;
        }

        synchronized void arrived(long nowMillis) {
            if (lastArrivalMillis >= 0) {
                long interval = Math.max(0, nowMillis - lastArrivalMillis);
                intervalsMillis.addLast(interval);
                sumMillis += interval;
                if (intervalsMillis.size() > capacity) {
                    sumMillis -= intervalsMillis.removeFirst();
                }
            }
            lastArrivalMillis = nowMillis;
        }

        synchronized long lastArrivalMillis() {
            return lastArrivalMillis;
        }

        synchronized double phi(long nowMillis, long minMeanMillis) {
            double mean = intervalsMillis.isEmpty() ? minMeanMillis
                    : Math.max(minMeanMillis, (double) sumMillis / intervalsMillis.size());
            return Math.max(0, nowMillis - lastArrivalMillis) / mean * LOG10_E;
        }
    }
}
