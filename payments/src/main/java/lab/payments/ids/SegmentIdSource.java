package lab.payments.ids;

import java.util.function.LongSupplier;

/**
 * Meituan Leaf's segment mode: reserve a block of {@code blockSize} IDs with one call to shared
 * storage (block {@code b} owns {@code [b*blockSize, (b+1)*blockSize)}), then hand them out from
 * memory. Blocks are reserved by a sequence, so two nodes never get the same block; a crashed
 * node only leaves a gap.
 */
public final class SegmentIdSource implements IdSource {

    private final LongSupplier reserveBlock;
    private final int blockSize;
    private long next;
    private long end;

    public SegmentIdSource(LongSupplier reserveBlock, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be positive");
        }
        this.reserveBlock = reserveBlock;
        this.blockSize = blockSize;
    }

    @Override
    public synchronized long nextId() {
        if (next == end) {
            long block = reserveBlock.getAsLong();
            if (block < 1) {
                throw new IllegalStateException("block numbers start at 1, got " + block);
            }
            next = Math.multiplyExact(block, blockSize);
            end = next + blockSize;
        }
        return next++;
    }
}
