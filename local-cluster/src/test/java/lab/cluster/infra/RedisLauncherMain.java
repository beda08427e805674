package lab.cluster.infra;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A JVM that launches Redis, for {@link LifetimeIT}: prints {@code ready <redis pid>}, then
 * either waits to be killed (BOUND_TO_JVM) or exits (INDEPENDENT).
 */
public final class RedisLauncherMain {

    private RedisLauncherMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Lifetime lifetime = Lifetime.valueOf(args[2]);
        RedisServer redis = new RedisServer(Path.of(args[0]), Integer.parseInt(args[1]), lifetime);
        redis.startAndAwaitReady(Duration.ofSeconds(30));
        System.out.println("ready " + redis.pid().orElseThrow());
        System.out.flush();
        if (lifetime == Lifetime.BOUND_TO_JVM) {
            Thread.currentThread().join(); // until the test kills this JVM
        }
    }
}
