package lab.load;

import io.gatling.javaapi.core.PopulationBuilder;
import java.time.Duration;
import java.util.List;

/** One service's load: its populations at a rate, and the checks that can only be judged once the load stopped. */
public interface ServiceLoad {

    List<PopulationBuilder> populations(LoadSettings settings, double usersPerSecond, Duration duration);

    /** Runs in the simulation's {@code after()}; nothing by default. */
    default void judge() {
    }
}
