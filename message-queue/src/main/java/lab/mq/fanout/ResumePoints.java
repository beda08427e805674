package lab.mq.fanout;

import java.time.Duration;
import java.util.OptionalLong;
import lab.mq.history.ChannelReader;
import lab.platform.problem.ProblemType;
import org.springframework.http.HttpStatus;

/**
 * Turns a resume point given as a message ID into a sequence number. A sequence number is the
 * exact resume point (it works on a node that has not yet read that message); an ID works only
 * where the node holds the message, or where retention removed history (then the subscriber
 * resumes at 0 and receives a discontinuity for everything this node no longer has).
 */
public final class ResumePoints {

    public static final ProblemType UNKNOWN_MESSAGE =
            new ProblemType("unknown-message", HttpStatus.NOT_FOUND, "Unknown message ID in this channel");
    public static final ProblemType INVALID_RESUME_POINT =
            new ProblemType("invalid-resume-point", HttpStatus.BAD_REQUEST, "Invalid resume point");

    private ResumePoints() {
    }

    public static long afterSeqOfMessage(ChannelReader reader, String channel, String messageId) {
        long id;
        try {
            id = Long.parseLong(messageId);
        } catch (NumberFormatException e) {
            throw INVALID_RESUME_POINT.exception("'" + messageId + "' is not a message ID (a decimal 64-bit number)");
        }
        OptionalLong seq = reader.seqOf(channel, id);
        if (seq.isPresent()) {
            return seq.getAsLong();
        }
        if (reader.bounds(channel).firstSeq() > 1) {
            return 0; // history before firstSeq is gone: the subscriber gets a discontinuity from 1
        }
        throw UNKNOWN_MESSAGE.exception("this node holds no message " + id + " in channel " + channel
                        + " (it may not have reached this node yet: retry, or resume by sequence number)")
                .retryAfter(Duration.ofSeconds(1));
    }

    /**
     * The largest sequence number a client may name: 2^53 - 1, the largest integer a JavaScript
     * client holds exactly (a million messages a second reach it in 285 years). Anything above is
     * refused rather than wrapped when the service counts on from it ({@code afterSeq + 1}).
     */
    public static final long MAX_SEQ = (1L << 53) - 1;

    /** A sequence number from a header, parameter or WebSocket frame: a decimal from 0 to {@link #MAX_SEQ}. */
    public static long parseSeq(String value, String what) {
        try {
            long seq = Long.parseLong(value.strip());
            if (seq >= 0 && seq <= MAX_SEQ) {
                return seq;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        throw INVALID_RESUME_POINT.exception(what + " must be a sequence number from 0 to " + MAX_SEQ + ", got '" + shown + "'")
                .with("parameter", what);
    }
}
