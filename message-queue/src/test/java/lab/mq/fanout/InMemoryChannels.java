package lab.mq.fanout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import lab.mq.history.ChannelBounds;
import lab.mq.history.ChannelReader;
import lab.mq.message.Message;

/** A store for fan-out tests: append messages, drop old ones, read like the node's store. */
final class InMemoryChannels implements ChannelReader {

    private final Map<String, List<Message>> channels = new HashMap<>();
    private final Map<String, Long> first = new HashMap<>();

    synchronized Message append(String channel, String text) {
        first.putIfAbsent(channel, 1L);
        List<Message> list = channels.computeIfAbsent(channel, c -> new ArrayList<>());
        long seq = bounds(channel).headSeq() + 1;
        Message m = new Message(1_000_000 + seq, channel, seq, "ann", text, System.currentTimeMillis(), System.currentTimeMillis());
        list.add(m);
        return m;
    }

    /** Drops everything below {@code firstSeq}, as retention would. */
    synchronized void dropBefore(String channel, long firstSeq) {
        channels.get(channel).removeIf(m -> m.seq() < firstSeq);
        first.put(channel, firstSeq);
    }

    @Override
    public synchronized ChannelBounds bounds(String channel) {
        List<Message> list = channels.get(channel);
        if (list == null) {
            return ChannelBounds.UNKNOWN;
        }
        long head = list.isEmpty() ? first.get(channel) - 1 : list.getLast().seq();
        return new ChannelBounds(first.get(channel), head);
    }

    @Override
    public synchronized List<Message> read(String channel, long fromSeq, int limit) {
        return channels.getOrDefault(channel, List.of()).stream().filter(m -> m.seq() >= fromSeq).limit(limit).toList();
    }

    @Override
    public synchronized OptionalLong seqOf(String channel, long messageId) {
        return channels.getOrDefault(channel, List.of()).stream().filter(m -> m.id() == messageId)
                .mapToLong(Message::seq).findFirst();
    }
}
