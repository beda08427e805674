package lab.mq.history;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.mq.fanout.ResumePoints;
import lab.mq.message.ChannelName;
import lab.mq.message.Message;
import lab.mq.publish.PublishProblems;
import lab.platform.problem.CommonProblems;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /channels/{channel}/messages}: from this node's store, which is fed only from the
 * log. {@code after} (a message ID) or {@code afterSeq}: the messages after it, in order; neither:
 * the latest {@code limit} messages, in order. The answer says what the node holds
 * ({@code firstSeq}, {@code headSeq}) and, when the asked-for start is older than that, a
 * {@code discontinuity} naming the range that is gone.
 */
@RestController
class HistoryController {

    static final int MAX_LIMIT = 1000;

    private final ChannelReader reader;

    HistoryController(ChannelReader reader) {
        this.reader = reader;
    }

    @GetMapping("/channels/{channel}/messages")
    Map<String, Object> history(@PathVariable String channel,
                                @RequestParam(name = "after", required = false) String afterId,
                                @RequestParam(name = "afterSeq", required = false) String afterSeq,
                                @RequestParam(name = "limit", defaultValue = "100") int limit) {
        if (!ChannelName.isValid(channel)) {
            throw PublishProblems.INVALID_CHANNEL.exception("invalid channel name '" + channel + "'");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw CommonProblems.INVALID_PARAMETER.exception("limit must be 1 to " + MAX_LIMIT + ", got " + limit).with("parameter", "limit");
        }
        ChannelBounds bounds = reader.bounds(channel);
        long from;
        if (afterSeq != null) {
            from = ResumePoints.parseSeq(afterSeq, "afterSeq") + 1;
        } else if (afterId != null) {
            from = ResumePoints.afterSeqOfMessage(reader, channel, afterId) + 1;
        } else {
            from = Math.max(bounds.firstSeq(), bounds.headSeq() - limit + 1);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("channel", channel);
        body.put("firstSeq", bounds.firstSeq());
        body.put("headSeq", bounds.headSeq());
        if (from < bounds.firstSeq()) {
            body.put("discontinuity", Map.of("fromSeq", from, "toSeq", bounds.firstSeq() - 1, "reason", "older than this node's retention"));
            from = bounds.firstSeq();
        }
        List<Message> messages = reader.read(channel, from, limit);
        body.put("messages", messages);
        return body;
    }
}
