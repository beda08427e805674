package lab.kvstore.antientropy;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lab.kvstore.ring.KeyHash;
import lab.kvstore.storage.StoredEntry;
import lab.kvstore.version.VersionCodec;

/**
 * A hash tree over one partition. Keys fall into {@code segments} leaves by their hash; a leaf's
 * hash covers its keys and encoded values in key order; each inner node hashes its two children.
 * Two replicas whose roots agree hold the same data; otherwise {@link #differingSegments}
 * descends only into subtrees that differ, so the segments to exchange are found without
 * comparing keys, and only those segments' keys travel.
 */
public final class MerkleTree {

    private static final byte[] EMPTY_LEAF = new byte[32];

    private final int segments;
    /** levels.get(0) is the leaves, the last level the root. */
    private final List<byte[][]> levels;

    private MerkleTree(byte[][] leaves) {
        if (Integer.bitCount(leaves.length) != 1) {
            throw new IllegalArgumentException("segments must be a power of two, got " + leaves.length);
        }
        this.segments = leaves.length;
        this.levels = new ArrayList<>();
        levels.add(leaves);
        byte[][] level = leaves;
        while (level.length > 1) {
            byte[][] parent = new byte[level.length / 2][];
            for (int i = 0; i < parent.length; i++) {
                parent[i] = sha256(level[2 * i], level[2 * i + 1]);
            }
            levels.add(parent);
            level = parent;
        }
    }

    /** Builds the tree of a partition from its entries in key order (as storage scans them). */
    public static MerkleTree build(List<StoredEntry> entriesInKeyOrder, int segments) {
        MessageDigest[] digests = new MessageDigest[segments];
        for (StoredEntry entry : entriesInKeyOrder) {
            int segment = segmentOf(entry.key(), segments);
            if (digests[segment] == null) {
                digests[segment] = digest();
            }
            byte[] value = VersionCodec.encode(entry.value());
            digests[segment].update(ByteBuffer.allocate(4).putInt(entry.key().length).array());
            digests[segment].update(entry.key());
            digests[segment].update(ByteBuffer.allocate(4).putInt(value.length).array());
            digests[segment].update(value);
        }
        byte[][] leaves = new byte[segments][];
        for (int i = 0; i < segments; i++) {
            leaves[i] = digests[i] == null ? EMPTY_LEAF : digests[i].digest();
        }
        return new MerkleTree(leaves);
    }

    /** A peer's tree rebuilt from the leaves it sent. */
    public static MerkleTree fromLeaves(byte[][] leaves) {
        return new MerkleTree(leaves);
    }

    public static int segmentOf(byte[] key, int segments) {
        return (int) Long.remainderUnsigned(KeyHash.of(key), segments);
    }

    /** The leaves that differ, found top-down from the root. */
    public List<Integer> differingSegments(MerkleTree other) {
        if (other.segments != segments) {
            throw new IllegalArgumentException("trees of " + segments + " and " + other.segments + " segments cannot be compared");
        }
        List<Integer> differing = new ArrayList<>();
        descend(levels.size() - 1, 0, other, differing);
        return differing;
    }

    private void descend(int level, int index, MerkleTree other, List<Integer> differing) {
        if (Arrays.equals(levels.get(level)[index], other.levels.get(level)[index])) {
            return;
        }
        if (level == 0) {
            differing.add(index);
            return;
        }
        descend(level - 1, 2 * index, other, differing);
        descend(level - 1, 2 * index + 1, other, differing);
    }

    public byte[][] leaves() {
        return levels.getFirst().clone();
    }

    public byte[] root() {
        return levels.getLast()[0].clone();
    }

    public int segments() {
        return segments;
    }

    private static byte[] sha256(byte[] left, byte[] right) {
        MessageDigest digest = digest();
        digest.update(left);
        digest.update(right);
        return digest.digest();
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
