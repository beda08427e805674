package lab.cluster.infra;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts server processes so that they live as long as their {@link Lifetime} says.
 *
 * <p>BOUND_TO_JVM: the command runs under {@code setpriv --pdeathsig KILL}, so the kernel
 * SIGKILLs it when its parent dies, even when the JVM itself is SIGKILLed and no shutdown hook
 * runs. The kernel's "parent" is the thread that forked, not the process, so every launch
 * happens on one platform thread that lives as long as the JVM (a virtual thread's carrier or a
 * pool thread could exit and take the children with it). A shutdown hook additionally stops the
 * children gracefully on an orderly JVM exit.
 *
 * <p>INDEPENDENT: the command runs under {@code setsid}, in its own session and process group, so
 * a Ctrl-C in the terminal of the CLI that started it does not reach it.
 */
final class ProcessLauncher {

    /** As long as a Kafka broker's controlled shutdown may take (KafkaBroker.stopTimeout). */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

    private static final ExecutorService LAUNCH_THREAD = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "local-server-launcher");
        thread.setDaemon(true);
        return thread;
    });

    private static final Set<ProcessHandle> BOUND = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessLauncher::stopBoundChildren, "local-server-shutdown"));
    }

    private ProcessLauncher() {
    }

    /**
     * Starts {@code command} in {@code workDir} with stdout and stderr appended to {@code log}.
     * {@code credentialsPrefix} (e.g. an {@code unshare}) goes first: changing credentials clears
     * the parent-death signal, so {@code setpriv --pdeathsig} must be the last exec before the server.
     */
    static Process launch(List<String> credentialsPrefix, List<String> command, Map<String, String> environment,
                          Path workDir, Path log, Lifetime lifetime) {
        List<String> full = new ArrayList<>(credentialsPrefix);
        full.addAll(lifetimePrefix(lifetime));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = startOnLaunchThread(builder);
        if (lifetime == Lifetime.BOUND_TO_JVM) {
            ProcessHandle handle = process.toHandle();
            BOUND.add(handle);
            handle.onExit().thenRun(() -> BOUND.remove(handle));
        }
        return process;
    }

    private static List<String> lifetimePrefix(Lifetime lifetime) {
        return switch (lifetime) {
            case BOUND_TO_JVM -> Tools.SETPRIV_PDEATHSIG ? List.of("setpriv", "--pdeathsig", "KILL", "--") : List.of();
            case INDEPENDENT -> Tools.SETSID ? List.of("setsid") : List.of();
        };
    }

    private static Process startOnLaunchThread(ProcessBuilder builder) {
        try {
            return LAUNCH_THREAD.submit(builder::start).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerStartException("interrupted while starting " + builder.command(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException("cannot start " + builder.command(), io);
            }
            throw new ServerStartException("cannot start " + builder.command(), e.getCause());
        }
    }

    /** Orderly JVM exit: SIGTERM every bound child, then SIGKILL whatever is left after the grace. */
    private static void stopBoundChildren() {
        List<ProcessHandle> children = List.copyOf(BOUND);
        children.forEach(ProcessHandle::destroy);
        long deadlineNanos = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                child.destroyForcibly();
            }
        }
    }

    /** Which helper programs this machine has; probed once. */
    private static final class Tools {
        static final boolean SETPRIV_PDEATHSIG = runs("setpriv", "--pdeathsig", "KILL", "--", "true");
        static final boolean SETSID = runs("setsid", "true");

        private static boolean runs(String... command) {
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
