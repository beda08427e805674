package lab.mq.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import lab.mq.support.Http;
import tools.jackson.databind.JsonNode;

/** The invariant of the case study, over the whole history of a run. */
final class ChannelHistoryCheck {

    private ChannelHistoryCheck() {
    }

    /** The channel's log as a node holds it: message IDs by position (index 0 is seq 1). */
    static List<String> log(URI node, String channel) {
        List<String> ids = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = Http.get(node.resolve("/channels/" + channel + "/messages?afterSeq=" + after + "&limit=1000")).body();
            assertThat(page.get("firstSeq").asLong()).as("nothing of " + channel + " was lost to retention").isEqualTo(1);
            List<JsonNode> messages = page.get("messages").valueStream().toList();
            if (messages.isEmpty()) {
                return ids;
            }
            for (JsonNode m : messages) {
                assertThat(m.get("seq").asLong()).as("consecutive sequence in " + channel).isEqualTo(ids.size() + 1L);
                ids.add(m.get("id").asString());
            }
            after = ids.size();
        }
    }

    /**
     * Every acknowledged publish is in the log exactly once, the log has nothing else, and every
     * subscriber saw exactly the log: 1..N, no gap, no duplicate, no reorder.
     */
    static void assertSubscribersSawExactlyTheLog(String channel, List<String> log, Set<String> acknowledgedIds,
                                                  Map<String, List<Long>> seqsBySubscriber) {
        assertThat(log).as("log of " + channel + " has no duplicate ID").doesNotHaveDuplicates();
        assertThat(Set.copyOf(log)).as("log of " + channel + " is exactly the acknowledged publishes").isEqualTo(acknowledgedIds);
        List<Long> expected = LongStream.rangeClosed(1, log.size()).boxed().toList();
        seqsBySubscriber.forEach((subscriber, seqs) ->
                assertThat(seqs).as(subscriber + " on " + channel + " saw exactly the channel's log").isEqualTo(expected));
    }
}
