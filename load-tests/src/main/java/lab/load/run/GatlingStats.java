package lab.load.run;

import io.gatling.charts.stats.GeneralStats;
import io.gatling.charts.stats.LogFileData;
import io.gatling.charts.stats.LogFileReader;
import io.gatling.core.config.GatlingConfiguration$;
import io.gatling.core.stats.ErrorStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The numbers of Gatling's HTML report, read with Gatling's own parser of its binary
 * {@code simulation.log} (the same code that renders the report), so the summary and the report
 * can never disagree.
 */
record GatlingStats(long requests, long ok, long ko, int p50Millis, int p95Millis, int p99Millis, int maxMillis,
                    double meanRequestsPerSecond, List<Error> errors) {

    /** One line of the report's errors table: Gatling's message and how many requests failed so. */
    record Error(String message, long count) {
    }

    static GatlingStats read(Path runDirectory) {
        LogFileData data = LogFileReader.apply(runDirectory.getFileName().toString(), runDirectory.getParent(),
                GatlingConfiguration$.MODULE$.load()).read();
        Option<GeneralStats> all = data.requestGeneralStats(Option.empty(), Option.empty(), Option.empty());
        Option<GeneralStats> ok = data.requestGeneralStats(Option.empty(), Option.empty(),
                Option.apply(io.gatling.commons.stats.OK$.MODULE$));
        List<Error> errors = new ArrayList<>();
        for (ErrorStats e : CollectionConverters.asJava(data.errors(Option.empty(), Option.empty()))) {
            errors.add(new Error(e.message(), e.count()));
        }
        if (all.isEmpty()) {
            return new GatlingStats(0, 0, 0, 0, 0, 0, 0, 0, errors);
        }
        GeneralStats s = all.get();
        long okCount = ok.isEmpty() ? 0 : ok.get().count();
        return new GatlingStats(s.count(), okCount, s.count() - okCount, percentile(s, 50), percentile(s, 95),
                percentile(s, 99), s.max(), s.meanRequestsPerSec(), errors);
    }

    private static int percentile(GeneralStats stats, double rank) {
        return ((Number) stats.percentile().apply(rank)).intValue();
    }
}
