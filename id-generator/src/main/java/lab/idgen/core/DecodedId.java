package lab.idgen.core;

import java.time.Instant;

/** The fields of one ID under a layout. */
public record DecodedId(long id, long unixMillis, int workerId, long sequence) {

    public Instant timestamp() {
        return Instant.ofEpochMilli(unixMillis);
    }
}
