package lab.gateway.ratelimit;

import java.time.Duration;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the gateway mirrors from the rate-limiter is refreshed by one loop each: a refresh at once,
 * then one per period, never two at a time (a tick that finds one running is dropped).
 */
final class RefreshLoop {

    private final Duration period;
    private final Supplier<Mono<Void>> refresh;
    private Disposable loop;

    RefreshLoop(Duration period, Supplier<Mono<Void>> refresh) {
        this.period = period;
        this.refresh = refresh;
    }

    void start() {
        loop = Flux.interval(Duration.ZERO, period).onBackpressureDrop().concatMap(tick -> refresh.get(), 1).subscribe();
    }

    void stop() {
        if (loop != null) {
            loop.dispose();
        }
    }

    boolean isRunning() {
        return loop != null && !loop.isDisposed();
    }
}
