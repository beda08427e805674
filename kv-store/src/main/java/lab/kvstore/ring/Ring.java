package lab.kvstore.ring;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Consistent hashing as in Dynamo's final design (its "strategy 3") and Riak: the 64-bit hash
 * space is cut into a fixed number of equal partitions, every node places {@code tokensPerNode}
 * virtual-node tokens on the ring, and the preference list of a partition is the first
 * {@code replicationFactor} distinct nodes clockwise from the partition's start.
 *
 * <p>Fixed partitions are the unit that later moves between nodes (streaming on join/leave),
 * that anti-entropy hashes (one Merkle tree per partition) and that prefixes storage keys, so
 * a partition can be scanned on its own. The ring is immutable: a membership change builds a
 * new one.
 */
public final class Ring {

    private final List<String> nodes;
    private final int partitionCount;
    private final int partitionBits;
    private final int tokensPerNode;
    private final int replicationFactor;
    private final long[] tokens;
    private final String[] tokenOwners;
    private final List<List<String>> preferenceLists;

    /**
     * @param replicationFactor the configured N; capped at the number of nodes, since a key
     *                          cannot have more distinct replicas than there are nodes
     */
    public Ring(List<String> nodes, int partitionCount, int tokensPerNode, int replicationFactor) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a ring needs at least one node");
        }
        if (new LinkedHashSet<>(nodes).size() != nodes.size()) {
            throw new IllegalArgumentException("node names must be distinct: " + nodes);
        }
        if (Integer.bitCount(partitionCount) != 1 || partitionCount < 8 || partitionCount > 65536) {
            throw new IllegalArgumentException("partitions must be a power of two in 8..65536, got " + partitionCount);
        }
        if (tokensPerNode < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("tokensPerNode and replicationFactor must be positive");
        }
        this.nodes = List.copyOf(nodes.stream().sorted().toList());
        this.partitionCount = partitionCount;
        this.partitionBits = Integer.numberOfTrailingZeros(partitionCount);
        this.tokensPerNode = tokensPerNode;
        this.replicationFactor = Math.min(replicationFactor, nodes.size());

        TreeMap<Long, String> ring = new TreeMap<>(Long::compareUnsigned);
        for (String node : this.nodes) {
            for (int i = 0; i < tokensPerNode; i++) {
                String previous = ring.put(KeyHash.of(node + "#" + i), node);
                if (previous != null) {
                    throw new IllegalStateException("token collision between " + previous + " and " + node);
                }
            }
        }
        this.tokens = ring.keySet().stream().mapToLong(Long::longValue).toArray();
        this.tokenOwners = ring.values().toArray(String[]::new);
        List<List<String>> lists = new ArrayList<>(partitionCount);
        for (int p = 0; p < partitionCount; p++) {
            lists.add(walkClockwise(partitionStart(p)));
        }
        this.preferenceLists = List.copyOf(lists);
    }

    /** The partition a key's hash falls in: the top bits of the hash. */
    public int partitionOf(byte[] keyUtf8) {
        return (int) (KeyHash.of(keyUtf8) >>> (64 - partitionBits));
    }

    public List<String> preferenceList(int partition) {
        return preferenceLists.get(partition);
    }

    public List<String> preferenceList(byte[] keyUtf8) {
        return preferenceList(partitionOf(keyUtf8));
    }

    /**
     * The nodes after the preference list, clockwise: where a sloppy quorum sends a write whose
     * replica is down (Dynamo's "next healthy node"), nearest first.
     */
    public List<String> fallbacks(int partition) {
        List<String> all = walkClockwise(partitionStart(partition), nodes.size());
        return all.subList(replicationFactor, all.size());
    }

    /** The first position of a partition's hash range (inclusive). */
    public long partitionStart(int partition) {
        return ((long) partition) << (64 - partitionBits);
    }

    /** How many partitions each node is the first replica of (its primary share). */
    public Map<String, Integer> primaryPartitions() {
        TreeMap<String, Integer> counts = new TreeMap<>();
        nodes.forEach(n -> counts.put(n, 0));
        preferenceLists.forEach(list -> counts.merge(list.getFirst(), 1, Integer::sum));
        return counts;
    }

    /** How many partitions each node holds a replica of. */
    public Map<String, Integer> replicaPartitions() {
        TreeMap<String, Integer> counts = new TreeMap<>();
        nodes.forEach(n -> counts.put(n, 0));
        preferenceLists.forEach(list -> list.forEach(n -> counts.merge(n, 1, Integer::sum)));
        return counts;
    }

    public List<String> nodes() {
        return nodes;
    }

    public int partitionCount() {
        return partitionCount;
    }

    public int tokensPerNode() {
        return tokensPerNode;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    private List<String> walkClockwise(long position) {
        return walkClockwise(position, replicationFactor);
    }

    private List<String> walkClockwise(long position, int distinctNodes) {
        int start = firstTokenAtOrAfter(position);
        Set<String> chosen = new LinkedHashSet<>();
        for (int i = 0; i < tokens.length && chosen.size() < distinctNodes; i++) {
            chosen.add(tokenOwners[(start + i) % tokens.length]);
        }
        return List.copyOf(chosen);
    }

    /** Binary search in unsigned order (Arrays.binarySearch compares signed); wraps past the top. */
    private int firstTokenAtOrAfter(long position) {
        int low = 0;
        int high = tokens.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Long.compareUnsigned(tokens[mid], position) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low == tokens.length ? 0 : low;
    }
}
