package lab.load.mixed;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import lab.load.LabSimulation;
import lab.load.LoadSettings;
import lab.load.ServiceLoad;
import lab.load.Targets.Service;
import lab.load.ids.IdsLoad;
import lab.load.kv.KvLoad;
import lab.load.messaging.MessagingLoad;
import lab.load.payments.PaymentsLoad;
import lab.load.ratelimit.RateLimitLoad;

/**
 * {@code ./cluster load mixed}: every service at once, the rate split by {@code load.mix}, through
 * the gateway when there is one ({@code load.target}), each service's own scenario and checks.
 * At a low rate and for as long as the cluster runs it is the background load ({@code ./cluster up --load},
 * the compose {@code load} profile): the same simulations, so the two cannot drift apart.
 */
public class DayInTheLifeSimulation extends LabSimulation {
    {
        String mix = LoadSettings.text("mix").orElse(Mix.DEFAULT);
        Map<Service, Double> shares = Mix.parse(mix).sharesOf(reachable());
        if (shares.isEmpty()) {
            throw new IllegalStateException("the mix " + mix + " names no service with a URL; give load.target or load.urls.<service>");
        }
        Map<ServiceLoad, Double> loads = new LinkedHashMap<>();
        shares.forEach((service, share) -> loads.put(load(service), settings.ratePerSecond() * share));
        run(loads);
    }

    private ServiceLoad load(Service service) {
        return switch (service) {
            case IDS -> new IdsLoad(checks);
            case RATELIMIT -> new RateLimitLoad(checks, runId);
            case KV -> new KvLoad(checks, runId);
            case PAYMENTS -> new PaymentsLoad(checks);
            case MESSAGING -> new MessagingLoad(checks, runId);
        };
    }

    /** With node URLs given (./cluster load), the services that run; with only an entry point (compose), all of them. */
    private Set<Service> reachable() {
        Set<Service> services = EnumSet.noneOf(Service.class);
        for (Service s : Service.values()) {
            if (settings.targets().nodes().containsKey(s)) {
                services.add(s);
            }
        }
        return services.isEmpty() && settings.targets().gateway().isPresent() ? EnumSet.allOf(Service.class) : services;
    }
}
