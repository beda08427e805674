package lab.kvstore.membership;

/**
 * A node's heartbeat as gossip carries it: the generation is the node's start time, so a
 * restarted node's counter (starting again at 0) still counts as newer than the old one.
 */
public record Heartbeat(long generation, long version) implements Comparable<Heartbeat> {

    @Override
    public int compareTo(Heartbeat other) {
        int byGeneration = Long.compare(generation, other.generation);
        return byGeneration != 0 ? byGeneration : Long.compare(version, other.version);
    }

    public boolean isNewerThan(Heartbeat other) {
        return other == null || compareTo(other) > 0;
    }
}
