package lab.mq.history;

/**
 * What this node holds of a channel: messages {@code firstSeq..headSeq}. A channel the node never
 * saw is {@code (1, 0)}; once retention removed everything, {@code firstSeq = headSeq + 1}.
 * Anything below {@code firstSeq} is gone from this node and can only be reported as a
 * discontinuity.
 */
public record ChannelBounds(long firstSeq, long headSeq) {

    public static final ChannelBounds UNKNOWN = new ChannelBounds(1, 0);

    public ChannelBounds {
        if (firstSeq < 1 || headSeq < firstSeq - 1) {
            throw new IllegalArgumentException("broken channel bounds first=" + firstSeq + " head=" + headSeq);
        }
    }
}
