package lab.kvstore.membership;

/**
 * A node's heartbeat as gossip carries it: the generation grows at every start of the node
 * ({@link GenerationFile}), so a restarted node's counter (starting again at 0) still counts as
 * newer than the old one.
 */
public record Heartbeat(long generation, long version) implements Comparable<Heartbeat> {

    /**
     * The generation of a new start: the wall clock, but always above the previous start's. A
     * node whose clock stepped back across a restart would otherwise send heartbeats that every
     * peer finds older than the ones it knows, and stay down for them until they restart.
     */
    public static long nextGeneration(long previousGeneration, long nowMillis) {
        return Math.max(nowMillis, previousGeneration + 1);
    }

    @Override
    public int compareTo(Heartbeat other) {
        int byGeneration = Long.compare(generation, other.generation);
        return byGeneration != 0 ? byGeneration : Long.compare(version, other.version);
    }

    public boolean isNewerThan(Heartbeat other) {
        return other == null || compareTo(other) > 0;
    }
}
