package lab.cluster.node;

import java.util.List;

/**
 * The memory a node's JVM may take. Heap alone does not bound a JVM: class metadata, JIT code
 * and direct buffers come on top, so each is capped and the sum is what {@code ./cluster up}
 * reports as the node's budget.
 */
public record JvmMemory(int heapMb, int metaspaceMb, int codeCacheMb, int directMb) {

    public JvmMemory {
        if (heapMb < 32 || metaspaceMb < 64 || codeCacheMb < 16 || directMb < 8) {
            throw new IllegalArgumentException("too little memory for a Spring Boot node: " + this);
        }
    }

    /** Caps that fit a Spring Boot 4 service with the kit (measured in docs/local-cluster.md). */
    public static JvmMemory forHeap(int heapMb) {
        return new JvmMemory(heapMb, 160, 48, 64);
    }

    public int budgetMb() {
        return heapMb + metaspaceMb + codeCacheMb + directMb;
    }

    public List<String> flags() {
        return List.of(
                "-Xmx" + heapMb + "m",
                "-XX:MaxMetaspaceSize=" + metaspaceMb + "m",
                "-XX:ReservedCodeCacheSize=" + codeCacheMb + "m",
                "-XX:MaxDirectMemorySize=" + directMb + "m");
    }
}
