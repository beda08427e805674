package lab.idgen.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.idgen.clock.OffsetClock;
import lab.idgen.config.IdGeneratorMetrics;
import lab.idgen.config.IdService;
import lab.idgen.core.DecodedId;
import lab.idgen.core.IdGenerator;
import lab.idgen.core.IdLayout;
import lab.idgen.core.IdRefusedException;
import lab.platform.faults.FaultMetrics;
import lab.platform.identity.NodeIdentity;
import lab.platform.problem.CommonProblems;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /ids?count=N[&format=uuidv7|ulid]} issues a contiguous run of IDs from this node;
 * {@code GET /ids/{id}} decodes one. IDs are JSON strings.
 */
@RestController
public class IdsController {

    public static final int MAX_COUNT = 10_000;
    private static final byte[] IDS_START = "{\"ids\":[".getBytes(StandardCharsets.US_ASCII);

    private final IdService ids;
    private final IdLayout layout;
    private final OffsetClock clock;
    private final IdGeneratorMetrics metrics;
    private final FaultMetrics faultMetrics;
    private final byte[] nodeMember;

    public IdsController(IdService ids, IdLayout layout, OffsetClock clock, IdGeneratorMetrics metrics, NodeIdentity identity,
                         FaultMetrics faultMetrics) {
        this.ids = ids;
        this.layout = layout;
        this.clock = clock;
        this.metrics = metrics;
        this.faultMetrics = faultMetrics;
        // Node names are [a-z0-9-]: nothing to escape.
        this.nodeMember = ("],\"node\":\"" + identity.nodeId() + "\",\"workerId\":").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The parameters are read straight from the request rather than bound with
     * {@code @RequestParam}: data binding costs more per request than issuing the ID.
     */
    @PostMapping(path = "/ids", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> issue(HttpServletRequest request) {
        int count = count(request.getParameter("count"));
        String format = request.getParameter("format");
        IdFormat idFormat = IdFormat.SNOWFLAKE;
        if (format != null) {
            try {
                idFormat = IdFormat.parse(format);
            } catch (IllegalArgumentException e) {
                throw CommonProblems.INVALID_PARAMETER.exception(e.getMessage()).with("parameter", "format");
            }
        }
        if (clock.offsetMillis() != 0) {
            faultMetrics.injected("clock-offset");
        }
        IdGenerator.Batch batch;
        try {
            batch = ids.issue(count);
        } catch (IdRefusedException refused) {
            throw IdProblems.of(refused);
        }
        metrics.batch(count);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json(batch, idFormat));
    }

    private static int count(String text) {
        if (text == null) {
            return 1;
        }
        int count;
        try {
            count = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw CommonProblems.INVALID_PARAMETER.exception("count must be a whole number between 1 and " + MAX_COUNT
                    + ", got '" + (text.length() > 30 ? text.substring(0, 30) + "…" : text) + "'").with("parameter", "count");
        }
        if (count < 1 || count > MAX_COUNT) {
            throw CommonProblems.INVALID_PARAMETER.exception("count must be between 1 and " + MAX_COUNT + ", got " + count)
                    .with("parameter", "count");
        }
        return count;
    }

    /** Written by hand: at a million IDs a second, a serializer's per-element cost shows. */
    private byte[] json(IdGenerator.Batch batch, IdFormat format) {
        long[] values = batch.ids();
        ByteArrayOutputStream out = new ByteArrayOutputStream(values.length * (format == IdFormat.SNOWFLAKE ? 22 : 40) + 64);
        out.writeBytes(IDS_START);
        byte[] digits = new byte[20];
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write('"');
            if (format == IdFormat.SNOWFLAKE) {
                writeDigits(out, values[i], digits);
            } else {
                out.writeBytes(format.render(values[i], layout).getBytes(StandardCharsets.US_ASCII));
            }
            out.write('"');
        }
        out.writeBytes(nodeMember);
        writeDigits(out, batch.workerId(), digits);
        out.write('}');
        return out.toByteArray();
    }

    private static void writeDigits(ByteArrayOutputStream out, long value, byte[] scratch) {
        int position = scratch.length;
        do {
            scratch[--position] = (byte) ('0' + (value % 10));
            value /= 10;
        } while (value > 0);
        out.write(scratch, position, scratch.length - position);
    }

    @GetMapping(path = "/ids/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> decode(@PathVariable String id) {
        long value;
        IdFormat format = IdFormat.detect(id);
        try {
            value = IdFormat.toSnowflake(id, layout);
        } catch (IllegalArgumentException e) {
            throw IdProblems.MALFORMED_ID.exception("'" + abbreviate(id) + "' is not an ID: " + e.getMessage());
        }
        DecodedId decoded = layout.decode(value);
        long latestPossible = clock.currentMillis() + ids.generator().maxBackwardMillis() + 1000;
        if (decoded.unixMillis() > latestPossible) {
            throw IdProblems.FUTURE_ID.exception("the ID's time " + decoded.timestamp()
                    + " is later than any ID this cluster can have issued yet (now " + Instant.ofEpochMilli(clock.currentMillis()) + ")");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("timestamp", decoded.timestamp().toString());
        body.put("epochMillis", decoded.unixMillis());
        body.put("workerId", decoded.workerId());
        body.put("sequence", decoded.sequence());
        body.put("layout", layoutJson(layout));
        if (format != IdFormat.SNOWFLAKE) {
            body.put("format", format.label());
            body.put("snowflakeId", Long.toString(value));
        }
        return body;
    }

    static Map<String, Object> layoutJson(IdLayout layout) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epoch", layout.epoch().toString());
        json.put("timestampBits", layout.timestampBits());
        json.put("workerBits", layout.workerBits());
        json.put("sequenceBits", layout.sequenceBits());
        json.put("runsOutAt", layout.runsOutAt().toString());
        return json;
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "…";
    }
}
