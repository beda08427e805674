package lab.mq.history;

import java.util.List;
import lab.mq.log.LogRecord;
import lab.mq.message.Message;

/** Told about each batch after it is in the store, so whatever it triggers can read it back. */
public interface AppendListener {

    /** Every record of the batch (publish outcomes of this node complete here). */
    void onRecords(List<LogRecord> records);

    /** The channel messages of the batch, in log order. */
    void onAppended(List<Message> messages);
}
