package lab.idgen.config;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import lab.idgen.clock.OffsetClock;
import lab.idgen.core.IdGenerator;
import lab.idgen.core.IdRefusedException;
import lab.idgen.reservation.LocalHighWaterMark;

/**
 * The generator's own meters. Its counters are plain fields under the generator's lock and are
 * read at scrape time, so counting costs nothing per ID. The lease meters are registered by the
 * worker lease, the marks' write counters by their owners.
 */
public final class IdGeneratorMetrics {

    private final DistributionSummary batchSizes;

    public IdGeneratorMetrics(IdGenerator generator, LocalHighWaterMark localMark, OffsetClock clock, MeterRegistry meters) {
        FunctionCounter.builder("idgen.ids.issued", generator, g -> g.stats().issued())
                .description("IDs issued").register(meters);
        FunctionCounter.builder("idgen.sequence.waits", generator, g -> g.stats().sequenceWaits())
                .description("Times the sequence of a millisecond was used up and the generator waited for the next one").register(meters);
        FunctionCounter.builder("idgen.clock.rollbacks", generator, g -> g.stats().rollbacks())
                .description("Backward steps of the clock seen by the generator").register(meters);
        FunctionCounter.builder("idgen.clock.borrowed", generator, g -> g.stats().borrowedMillis())
                .description("Milliseconds issued ahead of the clock to absorb a rollback").baseUnit("milliseconds").register(meters);
        for (IdRefusedException.Reason reason : IdRefusedException.Reason.values()) {
            FunctionCounter.builder("idgen.refusals", generator, g -> g.stats().refusals().get(reason))
                    .tag("reason", reason.tag())
                    .description("Requests refused rather than risk a duplicate, by reason").register(meters);
        }
        Gauge.builder("idgen.clock.ahead", generator, g -> g.state().aheadOfClockMillis() / 1000.0).baseUnit("seconds")
                .description("How far the last issued ID is ahead of the clock (borrowed time, or a rollback being waited out)").register(meters);
        Gauge.builder("idgen.clock.offset", clock, c -> c.offsetMillis() / 1000.0).baseUnit("seconds")
                .description("The operator's clock offset fault (0 when none)").register(meters);
        Gauge.builder("idgen.hwm.headroom", generator, g -> {
            IdGenerator.State s = g.state();
            return (s.localLimitMillis() - Math.max(s.clockMillis(), s.lastMillis())) / 1000.0;
        }).tag("store", "local").baseUnit("seconds").description("How far ahead the persisted high-water mark is").register(meters);
        Gauge.builder("idgen.hwm.headroom", generator, g -> {
            IdGenerator.State s = g.state();
            return s.lease() == null ? 0 : (s.lease().reservedUntilMillis() - Math.max(s.clockMillis(), s.lastMillis())) / 1000.0;
        }).tag("store", "zookeeper").baseUnit("seconds").description("How far ahead the persisted high-water mark is").register(meters);
        this.batchSizes = DistributionSummary.builder("idgen.batch.size")
                .description("IDs per request").serviceLevelObjectives(1, 10, 100, 1000, 10000).register(meters);
    }

    public void batch(int size) {
        batchSizes.record(size);
    }
}
