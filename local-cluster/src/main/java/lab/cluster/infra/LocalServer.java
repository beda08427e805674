package lab.cluster.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One server running as its own OS process, so that a kill is a real {@code kill -9} and a
 * crash of the server cannot take the caller down with it.
 *
 * <p>Everything of the server lives under its data dir: the server's own files, its log
 * ({@code <name>.log}, appended across restarts, stdout and stderr) and the {@code pid} file
 * through which a later JVM adopts the running process ({@link #attach()}).
 *
 * <p>Subclasses say how to run the server ({@link #command()}) and how to tell it is ready
 * ({@link #readinessProbe()}); this class owns the process lifecycle.
 */
public abstract class LocalServer implements AutoCloseable {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    /** How long a SIGKILLed process may take to disappear before something is badly wrong. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;

    private final String name;
    private final Path dataDir;
    private final Lifetime lifetime;
    private final PidFile pidFile;
    private final LogFile log;

    private volatile ProcessHandle process;
    private volatile Process child;
    private volatile Instant startedAt;
    private volatile long startCalledNanos;
    private volatile Duration startupTime = Duration.ZERO;
    private volatile long logOffsetAtStart;

    protected LocalServer(String name, Path dataDir, Lifetime lifetime) {
        this.name = name;
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.lifetime = lifetime;
        this.pidFile = PidFile.in(this.dataDir);
        this.log = new LogFile(this.dataDir.resolve(name + ".log"));
    }

    // ---- what a subclass says --------------------------------------------------------------

    /** Runs before every launch: write config files, initialise the data dir on a first start. */
    protected void prepare() throws IOException {
    }

    /** The server's command line; the first element is the program. */
    protected abstract List<String> command();

    /** Variables added to the inherited environment. */
    protected Map<String, String> environment() {
        return Map.of();
    }

    /** How to tell the server serves; built after launch, polled until it answers true. */
    protected abstract ReadinessProbe readinessProbe();

    /**
     * Text that appears in the command line of this server's process and of no other: a pid
     * from the pid file is only adopted when it does, so a recycled pid is never mistaken for
     * the server. The data dir path by default, which every server here passes on its command
     * line (directly or as the path of a config file inside it).
     */
    protected String identityPrefix() {
        return dataDir.toString();
    }

    /** Programs that exec the server under other credentials (see PostgresServer); empty by default. */
    protected List<String> credentialsPrefix() {
        return List.of();
    }

    /** Asks the process to shut down; SIGTERM by default. */
    protected void stopSignal(ProcessHandle process) {
        process.destroy();
    }

    /** How long {@link #stop()} waits for a graceful shutdown before SIGKILL. */
    protected Duration stopTimeout() {
        return Duration.ofSeconds(30);
    }

    /** Where this launch's output begins in the appended log, for log-based probes. */
    protected final long logOffsetAtStart() {
        return logOffsetAtStart;
    }

    /** Appends helper output (initdb, storage format) to the log, so that one file tells the whole story. */
    protected final void appendToLog(String text) throws IOException {
        Files.writeString(log.path(), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    protected final Lifetime lifetime() {
        return lifetime;
    }

    // ---- identity ---------------------------------------------------------------------------

    public String name() {
        return name;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return log.path();
    }

    // ---- lifecycle --------------------------------------------------------------------------

    /** Prepares and launches the server and writes the pid file; does not wait for readiness. */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running as pid " + process.pid());
        }
        startCalledNanos = System.nanoTime();
        try {
            Files.createDirectories(dataDir);
            Optional<ProcessHandle> earlier = adoptable();
            if (earlier.isPresent()) {
                throw new IllegalStateException(name + " already runs as pid " + earlier.get().pid()
                        + " from an earlier launch on " + dataDir + "; attach() to it or stop it first");
            }
            appendToLog("---- lab: starting " + name + " at " + Instant.now() + " ----\n");
            prepare();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + name + " in " + dataDir, e);
        }
        logOffsetAtStart = log.sizeBytes();
        startupTime = Duration.ZERO;
        Process launched = ProcessLauncher.launch(credentialsPrefix(), command(), environment(), dataDir,
                log.path(), lifetime);
        child = launched;
        process = launched.toHandle();
        startedAt = Instant.now();
        pidFile.write(launched.pid());
    }

    /**
     * Polls {@link #readinessProbe()} until it answers true. Fails fast with the log tail when
     * the process exits meanwhile, and with the log tail on timeout (the process is left running).
     */
    public void awaitReady(Duration timeout) {
        ProcessHandle running = requireProcess();
        ReadinessProbe probe = readinessProbe();
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        Exception lastProbeFailure = null;
        while (true) {
            if (!running.isAlive()) {
                throw new ServerStartException(name + " exited" + exitCode() + " before it was ready; "
                        + "log " + log.path() + " ends with:\n" + logTail(LOG_TAIL_LINES));
            }
            try {
                if (probe.isReady()) {
                    if (child != null && startupTime.isZero()) {
                        startupTime = Duration.ofNanos(System.nanoTime() - startCalledNanos);
                    }
                    return;
                }
            } catch (Exception e) {
                lastProbeFailure = e;
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new ServerStartException(name + " (pid " + running.pid() + ") not ready after " + timeout
                        + (lastProbeFailure == null ? "" : " (last probe failure: " + lastProbeFailure + ")")
                        + "; log " + log.path() + " ends with:\n" + logTail(LOG_TAIL_LINES));
            }
            waitForExit(running, POLL_INTERVAL);
        }
    }

    /** {@link #start()} then {@link #awaitReady}; a server that fails to get ready is killed. */
    public LocalServer startAndAwaitReady(Duration timeout) {
        StartOrKill.run(this::start, () -> awaitReady(timeout), this::kill);
        return this;
    }

    public void stop() {
        stop(stopTimeout());
    }

    /**
     * Sends {@link #stopSignal}, waits up to {@code grace}, then SIGKILLs; returns once the
     * process and every process it started are gone. A no-op when not running.
     */
    public synchronized void stop(Duration grace) {
        ProcessHandle running = process;
        if (running == null) {
            return;
        }
        List<ProcessHandle> tree = processTree(running);
        if (running.isAlive()) {
            stopSignal(running);
            if (!waitForExit(running, grace)) {
                tree.forEach(ProcessHandle::destroyForcibly);
            }
        }
        forgetAfterExit(tree);
    }

    /** SIGKILLs the process and its descendants and returns once they are really gone. */
    public synchronized void kill() {
        ProcessHandle running = process;
        if (running == null) {
            return;
        }
        List<ProcessHandle> tree = processTree(running);
        tree.forEach(ProcessHandle::destroyForcibly);
        forgetAfterExit(tree);
    }

    /**
     * Adopts a process started by an earlier JVM, found through the pid file. The pid is only
     * trusted when that process's command line contains {@link #identityPrefix()}; otherwise the
     * stale pid file is deleted and the answer is false.
     */
    public synchronized boolean attach() {
        if (isRunning()) {
            return true;
        }
        Optional<ProcessHandle> found = adoptable();
        if (found.isEmpty()) {
            pidFile.delete();
            return false;
        }
        process = found.get();
        child = null;
        startedAt = found.get().info().startInstant().orElse(Instant.now());
        startupTime = Duration.ZERO;
        return true;
    }

    @Override
    public void close() {
        stop();
    }

    // ---- state ------------------------------------------------------------------------------

    public boolean isRunning() {
        ProcessHandle running = process;
        return running != null && running.isAlive();
    }

    /** Running and answering its readiness probe right now (for status reports; never waits). */
    public boolean isReady() {
        if (!isRunning()) {
            return false;
        }
        try {
            return readinessProbe().isReady();
        } catch (Exception e) {
            return false;
        }
    }

    public OptionalLong pid() {
        ProcessHandle running = process;
        return running == null ? OptionalLong.empty() : OptionalLong.of(running.pid());
    }

    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    /**
     * From the call of {@link #start()} (so including {@link #prepare()}: unpacking, initdb,
     * storage format) to the first ready probe; zero before that and for adopted processes.
     */
    public Duration startupTime() {
        return startupTime;
    }

    /** Completes when the current process exits (at once when none runs). */
    public CompletableFuture<Void> onExit() {
        ProcessHandle running = process;
        return running == null ? CompletableFuture.completedFuture(null) : running.onExit().thenApply(h -> null);
    }

    public String logTail(int lines) {
        return log.tail(lines);
    }

    @Override
    public String toString() {
        return name + pid().stream().mapToObj(pid -> " (pid " + pid + ")").findFirst().orElse(" (not running)");
    }

    // ---- internals --------------------------------------------------------------------------

    private ProcessHandle requireProcess() {
        ProcessHandle running = process;
        if (running == null) {
            throw new IllegalStateException(name + " was not started");
        }
        return running;
    }

    private Optional<ProcessHandle> adoptable() {
        OptionalLong pid = pidFile.read();
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        String identity = identityPrefix();
        return ProcessHandle.of(pid.getAsLong())
                .filter(ProcessHandle::isAlive)
                .filter(handle -> ProcessCommandLine.of(handle).contains(identity));
    }

    /** The process and its descendants, captured before a signal: once it dies they are reparented. */
    private static List<ProcessHandle> processTree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        root.descendants().forEach(tree::add);
        return tree;
    }

    /** Waits (killing leftovers) until every process of the tree is gone, then forgets the process. */
    private void forgetAfterExit(List<ProcessHandle> tree) {
        for (ProcessHandle member : tree) {
            if (!waitForExit(member, KILL_WAIT)) {
                member.destroyForcibly();
                if (!waitForExit(member, KILL_WAIT)) {
                    throw new IllegalStateException(name + ": pid " + member.pid() + " survived SIGKILL for " + KILL_WAIT);
                }
            }
        }
        pidFile.delete();
        process = null;
        child = null;
    }

    /** True when the process exited within {@code timeout}. */
    private static boolean waitForExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for pid " + handle.pid(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private String exitCode() {
        Process launched = child;
        return launched != null && !launched.isAlive() ? " with code " + launched.exitValue() : "";
    }
}
