package lab.load;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import java.time.Duration;
import java.util.List;
import lab.load.check.RunChecks;

/** A service load made of one scenario injected at a constant arrival rate against the service's URLs. */
public abstract class OpenScenarioLoad implements ServiceLoad {

    protected final RunChecks checks;
    private final Targets.Service service;

    protected OpenScenarioLoad(RunChecks checks, Targets.Service service) {
        this.checks = checks;
        this.service = service;
    }

    protected abstract ScenarioBuilder build();

    @Override
    public List<PopulationBuilder> populations(LoadSettings settings, double usersPerSecond, Duration duration) {
        return List.of(Loads.open(build(), usersPerSecond, duration, Loads.protocol(settings.targets().of(service))));
    }
}
