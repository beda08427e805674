package lab.mq.subscribe.sse;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
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
 * message. A virtual thread of the connection's own writes the stream until the client leaves. A node at
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
                HttpServletRequest request, HttpServletResponse response) {
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
        // The request's thread returns and takes its deep servlet stack with it; the stream is
        // written by a virtual thread of its own whose idle stack is a few frames.
        AsyncContext stream;
        try {
            stream = request.startAsync();
        } catch (IllegalStateException notAsync) {
            connection.abandon();
            throw notAsync;
        }
        stream.setTimeout(0); // a stream lasts as long as its client; the write timeout ends a dead one
        stream.addListener(new ClosesOnError(connection));
        Thread.ofVirtual().name("mq-sse").start(() -> {
            try {
                connection.run();
            } finally {
                completeUnlessDone(stream);
            }
        });
    }

    /** Ends the connection (and frees its slot) as soon as the container reports the client gone, not at the next write. */
    private record ClosesOnError(Connection connection) implements AsyncListener {

        @Override
        public void onError(AsyncEvent event) {
            connection.close(null);
        }

        @Override
        public void onComplete(AsyncEvent event) {
            connection.close(null);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }

    private static void completeUnlessDone(AsyncContext stream) {
        try {
            stream.complete();
        } catch (IllegalStateException alreadyCompleted) {
            // Tomcat completed it itself after an error on the socket (the client left).
        }
    }
}
