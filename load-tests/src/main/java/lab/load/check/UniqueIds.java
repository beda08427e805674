package lab.load.check;

/**
 * Every 64-bit ID received in a run, to find a duplicate among all of them. An open-addressing
 * set of primitive longs (16 bytes per ID at most) rather than a {@code Set<Long>} (about 60): a
 * minute at a few hundred batch requests a second is millions of IDs.
 */
public final class UniqueIds {

    private static final long EMPTY = Long.MIN_VALUE;

    private long[] slots = newSlots(1 << 16);
    private int size;
    private boolean holdsEmptyMarker;

    /** True when the ID is new; false when it was received before (a duplicate). */
    public synchronized boolean add(long id) {
        if (id == EMPTY) {
            boolean added = !holdsEmptyMarker;
            holdsEmptyMarker = true;
            return added;
        }
        if (size * 2 >= slots.length) {
            grow();
        }
        if (!insert(slots, id)) {
            return false;
        }
        size++;
        return true;
    }

    public synchronized int size() {
        return size + (holdsEmptyMarker ? 1 : 0);
    }

    private static boolean insert(long[] table, long id) {
        int mask = table.length - 1;
        int i = Long.hashCode(id * 0x9E3779B97F4A7C15L) & mask;
        while (table[i] != EMPTY) {
            if (table[i] == id) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = id;
        return true;
    }

    private void grow() {
        long[] bigger = newSlots(slots.length * 2);
        for (long id : slots) {
            if (id != EMPTY) {
                insert(bigger, id);
            }
        }
        slots = bigger;
    }

    private static long[] newSlots(int n) {
        long[] table = new long[n];
        java.util.Arrays.fill(table, EMPTY);
        return table;
    }
}
