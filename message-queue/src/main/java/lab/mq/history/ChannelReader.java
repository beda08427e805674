package lab.mq.history;

import java.util.List;
import java.util.OptionalLong;
import lab.mq.message.Message;

/** The read side of a node's message store: what subscribers catch up from and history serves. */
public interface ChannelReader {

    ChannelBounds bounds(String channel);

    /** Up to {@code limit} messages with {@code seq >= fromSeq}, in order, consecutive. */
    List<Message> read(String channel, long fromSeq, int limit);

    /** The sequence number of a message of the channel by its ID, if this node holds it. */
    OptionalLong seqOf(String channel, long messageId);
}
