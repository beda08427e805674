package lab.mq.subscribe.sse;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import lab.mq.fanout.Connection;
import lab.mq.fanout.FanOut;
import lab.mq.fanout.ResumePoints;
import lab.mq.history.ChannelReader;
import lab.mq.message.ChannelName;
import lab.mq.publish.PublishProblems;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /channels/{channel}/stream}: Server-Sent Events. The resume point is, first found:
 * the {@code Last-Event-ID} header (a sequence number; what EventSource sends on reconnect),
 * {@code ?afterSeq=}, {@code ?after=} (a message ID); with none, the stream starts at the next
 * message. The request's own (virtual) thread writes the stream until the client leaves. A node at
 * its connection limit answers 503 {@code /problems/connection-limit-reached} with {@code Retry-After}.
 */
@RestController
class StreamController {

    private final FanOut fanOut;
    private final ChannelReader reader;

    StreamController(FanOut fanOut, ChannelReader reader) {
        this.fanOut = fanOut;
        this.reader = reader;
    }

    @GetMapping(path = "/channels/{channel}/stream")
    void stream(@PathVariable String channel,
                @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                @RequestParam(name = "afterSeq", required = false) String afterSeq,
                @RequestParam(name = "after", required = false) String afterId,
                HttpServletResponse response) throws IOException {
        if (!ChannelName.isValid(channel)) {
            throw PublishProblems.INVALID_CHANNEL.exception("invalid channel name '" + channel + "'");
        }
        Long resumeAfter = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            resumeAfter = ResumePoints.parseSeq(lastEventId, "Last-Event-ID");
        } else if (afterSeq != null) {
            resumeAfter = ResumePoints.parseSeq(afterSeq, "afterSeq");
        } else if (afterId != null) {
            resumeAfter = ResumePoints.afterSeqOfMessage(reader, channel, afterId);
        }
        // Refused here (503, nothing written yet) when the node is at its connection limit.
        Connection connection = fanOut.connect("sse", new SseSink(response));
        connection.subscribe(channel, resumeAfter);
        connection.run();
    }
}
