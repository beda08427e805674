package lab.mq.fanout;

/**
 * One channel on one connection. {@code nextSeq} is the next sequence number the subscriber must
 * receive; only the connection's writer thread reads or changes it.
 */
final class Subscription {

    final String channel;
    final Connection connection;
    long nextSeq;
    volatile boolean active = true;

    Subscription(String channel, Connection connection, long nextSeq) {
        this.channel = channel;
        this.connection = connection;
        this.nextSeq = nextSeq;
    }
}
