package lab.load.kv;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Key ranks 0..n-1 with a Zipfian distribution (YCSB's generator, after Gray et al., "Quickly
 * generating billion-record synthetic databases"): rank 0 is the hottest, and with the usual
 * {@code theta} 0.99 a few keys take most of the traffic, as real key-value workloads do.
 */
public final class ZipfianKeys {

    private final long items;
    private final double theta;
    private final double alpha;
    private final double zetaN;
    private final double eta;

    public ZipfianKeys(long items, double theta) {
        if (items < 1 || theta <= 0 || theta >= 1) {
            throw new IllegalArgumentException("a Zipfian distribution needs items ≥ 1 and 0 < theta < 1, got " + items + ", " + theta);
        }
        this.items = items;
        this.theta = theta;
        this.alpha = 1.0 / (1.0 - theta);
        this.zetaN = zeta(items, theta);
        double zeta2 = zeta(2, theta);
        this.eta = (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetaN);
    }

    public long next() {
        return next(ThreadLocalRandom.current().nextDouble());
    }

    /** The rank for a uniform draw {@code u} in [0, 1). */
    long next(double u) {
        double uz = u * zetaN;
        if (uz < 1.0) {
            return 0;
        }
        if (uz < 1.0 + Math.pow(0.5, theta)) {
            return Math.min(1, items - 1);
        }
        return Math.min(items - 1, (long) (items * Math.pow(eta * u - eta + 1, alpha)));
    }

    private static double zeta(long n, double theta) {
        double sum = 0;
        for (long i = 1; i <= n; i++) {
            sum += 1 / Math.pow(i, theta);
        }
        return sum;
    }
}
