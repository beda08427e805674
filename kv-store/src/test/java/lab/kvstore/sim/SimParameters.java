package lab.kvstore.sim;

import java.util.SplittableRandom;

/**
 * One schedule's knobs, drawn from its seed so that different seeds explore different worlds:
 * how lossy the network is, how far clocks are skewed, how many crashes and partitions, how hot
 * the keys are. Production's quorum defaults (N=3, R=2, W=2, sloppy quorum) are fixed.
 */
record SimParameters(int nodes, int partitions, int tokensPerNode, int replicationFactor, int readQuorum, int writeQuorum,
                     int maxSiblings, long gossipIntervalMillis, long hintMaxAgeMillis, long requestTimeoutMillis,
                     long antiEntropyIntervalMillis, long hintReplayIntervalMillis, int keys, int clients,
                     long workloadMillis, long maxThinkMillis, double dropRate, double duplicateRate, double slowRate,
                     long maxSkewMillis, int crashes, int partitionFaults) {

    /**
     * The world of a seed. {@code -Dsim.profile=handoff} draws harsher ones instead: more crashes and
     * partitions, few keys, short hint ages and clocks skewed by seconds, where hints outlive the
     * replicas' view of a delete.
     */
    static SimParameters draw(SplittableRandom random, String profile) {
        return "handoff".equals(profile) ? drawHandoffHeavy(random) : drawDefault(random);
    }

    private static SimParameters drawHandoffHeavy(SplittableRandom random) {
        return new SimParameters(
                4 + random.nextInt(2), 8, 4, 3, 2, 2, 16,
                100, 800 + random.nextInt(800), 1000,
                100 + random.nextInt(100), 200 + random.nextInt(300),
                1 + random.nextInt(3), 2 + random.nextInt(3),
                15_000 + random.nextInt(10_000), 100 + random.nextInt(800),
                random.nextDouble() * 0.03, random.nextDouble() * 0.02, random.nextDouble() * 0.05,
                1500 + random.nextInt(2500),
                3 + random.nextInt(5), 2 + random.nextInt(5));
    }

    private static SimParameters drawDefault(SplittableRandom random) {
        long[] skews = {0, 50, 500, 1500, 3000};
        return new SimParameters(
                4 + random.nextInt(2), 8, 4, 3, 2, 2, 16,
                100, 1000 + random.nextInt(2000), 1000,
                100 + random.nextInt(200), 200 + random.nextInt(300),
                2 + random.nextInt(7), 2 + random.nextInt(3),
                10_000 + random.nextInt(10_000), 100 + random.nextInt(1500),
                random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.05,
                random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.03,
                random.nextDouble() * 0.05,
                skews[random.nextInt(skews.length)],
                random.nextInt(4), random.nextInt(4));
    }
}
