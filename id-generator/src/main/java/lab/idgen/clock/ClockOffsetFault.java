package lab.idgen.clock;

import lab.platform.faults.FaultExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/faults {"clockOffsetMillis": -5000}} sets the ID clock that far from the
 * machine clock (negative: set back). {@code DELETE /admin/faults/clock-offset} puts it back,
 * which is itself a jump. The offset is absolute, not added to the previous one.
 */
public final class ClockOffsetFault implements FaultExtension<Long> {

    /** A week either way: enough for any drill, small enough to stay inside the layout. */
    public static final long MAX_OFFSET_MILLIS = 7L * 24 * 3600 * 1000;
    private static final Logger log = LoggerFactory.getLogger(ClockOffsetFault.class);

    private final OffsetClock clock;

    public ClockOffsetFault(OffsetClock clock) {
        this.clock = clock;
    }

    @Override
    public String field() {
        return "clockOffsetMillis";
    }

    @Override
    public String kind() {
        return "clock-offset";
    }

    @Override
    public Class<Long> valueType() {
        return Long.class;
    }

    @Override
    public void validate(Long value) {
        // Not Math.abs: |Long.MIN_VALUE| is Long.MIN_VALUE, which would pass a bound check on the absolute value.
        if (value < -MAX_OFFSET_MILLIS || value > MAX_OFFSET_MILLIS) {
            throw new IllegalArgumentException("clockOffsetMillis must be between -" + MAX_OFFSET_MILLIS + " and "
                    + MAX_OFFSET_MILLIS + " (a week), got " + value);
        }
    }

    @Override
    public void apply(Long value) {
        long before = clock.offsetMillis();
        clock.setOffsetMillis(value);
        log.warn("ID clock offset set to {} ms (was {} ms): the clock jumped {} by {} ms", value, before,
                value < before ? "back" : "forward", Math.abs(value - before));
    }

    @Override
    public void clear() {
        apply(0L);
    }

    @Override
    public boolean active() {
        return clock.offsetMillis() != 0;
    }

    @Override
    public Long current() {
        return clock.offsetMillis();
    }
}
