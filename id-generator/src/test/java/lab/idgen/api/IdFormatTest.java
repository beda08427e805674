package lab.idgen.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import lab.idgen.core.IdLayout;
import org.junit.jupiter.api.Test;

class IdFormatTest {

    private static final IdLayout LAYOUT = IdLayout.DEFAULT;
    private static final long T = Instant.parse("2026-05-04T03:02:01.123Z").toEpochMilli();

    @Test
    void uuidv7CarriesTimeWorkerAndSequenceAndRoundTrips() {
        long id = LAYOUT.encode(T, 1023, 4095);
        String text = IdFormat.UUIDV7.render(id, LAYOUT);
        UUID uuid = UUID.fromString(text);
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(T);
        assertThat(IdFormat.detect(text)).isEqualTo(IdFormat.UUIDV7);
        assertThat(IdFormat.toSnowflake(text, LAYOUT)).isEqualTo(id);
    }

    @Test
    void ulidRoundTripsAndIsCrockfordBase32() {
        long id = LAYOUT.encode(T, 5, 17);
        String text = IdFormat.ULID.render(id, LAYOUT);
        assertThat(text).hasSize(26).matches("[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(IdFormat.toSnowflake(text, LAYOUT)).isEqualTo(id);
        assertThat(IdFormat.toSnowflake(text.toLowerCase(), LAYOUT)).isEqualTo(id);
    }

    @Test
    void theTextFormatsSortLikeTheIds() {
        long[] ids = {LAYOUT.encode(T, 5, 17), LAYOUT.encode(T, 5, 18), LAYOUT.encode(T, 6, 0), LAYOUT.encode(T + 1, 0, 0)};
        for (IdFormat format : new IdFormat[] {IdFormat.UUIDV7, IdFormat.ULID}) {
            for (int i = 1; i < ids.length; i++) {
                assertThat(format.render(ids[i - 1], LAYOUT).compareTo(format.render(ids[i], LAYOUT))).as(format.label()).isNegative();
            }
        }
    }

    @Test
    void otherLayoutsRoundTripToo() {
        IdLayout wide = new IdLayout(IdLayout.DEFAULT_EPOCH, 43, 5, 15);
        long id = wide.encode(T, 31, 32767);
        assertThat(IdFormat.toSnowflake(IdFormat.UUIDV7.render(id, wide), wide)).isEqualTo(id);
        assertThat(IdFormat.toSnowflake(IdFormat.ULID.render(id, wide), wide)).isEqualTo(id);
        IdLayout narrow = new IdLayout(IdLayout.DEFAULT_EPOCH, 55, 4, 4);
        long small = narrow.encode(T, 15, 15);
        assertThat(IdFormat.toSnowflake(IdFormat.UUIDV7.render(small, narrow), narrow)).isEqualTo(small);
        assertThat(IdFormat.toSnowflake(IdFormat.ULID.render(small, narrow), narrow)).isEqualTo(small);
    }

    @Test
    void malformedTextIsRejectedWithAReason() {
        assertThatThrownBy(() -> IdFormat.toSnowflake("12a", LAYOUT)).hasMessageContaining("decimal number");
        assertThatThrownBy(() -> IdFormat.toSnowflake("99999999999999999999", LAYOUT)).hasMessageContaining("decimal number");
        assertThatThrownBy(() -> IdFormat.toSnowflake("9999999999999999999", LAYOUT)).hasMessageContaining("larger than");
        assertThatThrownBy(() -> IdFormat.toSnowflake(UUID.randomUUID().toString(), LAYOUT)).hasMessageContaining("version-7");
        assertThatThrownBy(() -> IdFormat.toSnowflake("0123456789ABCDEFGHJKMNPQRU", LAYOUT)).hasMessageContaining("Crockford");
        assertThatThrownBy(() -> IdFormat.parse("guid")).hasMessageContaining("snowflake, uuidv7 or ulid");
    }
}
