package lab.mq;

import java.nio.file.Path;
import lab.mq.history.Materializer;
import lab.mq.log.KafkaSettings;
import lab.mq.log.MessageLog;
import lab.mq.sequence.SequencerEvents;
import lab.mq.sequence.SequencerSettings;
import lab.mq.sequence.SequencerStallDetector;
import lab.mq.sequence.SequencerStreams;
import lab.mq.sequence.SequencerWatch;
import org.apache.kafka.streams.KafkaStreams;

/** The two things each node runs on the log: its share of the sequencer, and its materializer. */
final class LogFollowers implements MessageLog.Followers {

    private final KafkaSettings kafka;
    private final SequencerSettings sequencerSettings;
    private final SequencerEvents events;
    private final Path stateDir;
    private final String nodeId;
    private final Materializer materializer;
    private final SequencerStallDetector stalls;
    private volatile SequencerStreams sequencer;
    private volatile SequencerWatch watch;

    LogFollowers(KafkaSettings kafka, SequencerSettings sequencerSettings, SequencerEvents events, Path stateDir,
                 String nodeId, Materializer materializer, SequencerStallDetector stalls) {
        this.kafka = kafka;
        this.sequencerSettings = sequencerSettings;
        this.events = events;
        this.stateDir = stateDir;
        this.nodeId = nodeId;
        this.materializer = materializer;
        this.stalls = stalls;
    }

    @Override
    public void start(int brokers) {
        materializer.start(kafka.partitions(), kafka.requestTimeout());
        SequencerStreams streams = new SequencerStreams(kafka, sequencerSettings, brokers, stateDir, nodeId, events);
        streams.start();
        sequencer = streams;
        watch = new SequencerWatch(kafka, streams, stalls, java.time.Clock.systemUTC());
    }

    @Override
    public String problem() {
        if (materializer.failure() != null) {
            return "materializer stopped: " + materializer.failure();
        }
        if (!materializer.caughtUp()) {
            return "catching up with the log (lag " + materializer.totalLag() + " records)";
        }
        SequencerStreams streams = sequencer;
        if (streams == null) {
            return "sequencer not started";
        }
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR || state == KafkaStreams.State.NOT_RUNNING) {
            return "sequencer is " + state;
        }
        return stalls.problem();
    }

    SequencerStreams sequencer() {
        return sequencer;
    }

    SequencerStallDetector stalls() {
        return stalls;
    }

    @Override
    public void close() {
        SequencerWatch running = watch;
        if (running != null) {
            running.close();
        }
        SequencerStreams streams = sequencer;
        if (streams != null) {
            streams.close();
        }
        materializer.close();
    }
}
