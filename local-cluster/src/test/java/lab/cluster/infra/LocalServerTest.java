package lab.cluster.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process lifecycle of LocalServer, exercised with the JDK's own small web server. */
class LocalServerTest {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** {@code jwebserver} serving the data dir: a real process with a real port and little to start. */
    static class WebServer extends LocalServer {
        final int port;
        final String portArgument;

        WebServer(Path dataDir, int port) {
            this(dataDir, port, Integer.toString(port));
        }

        WebServer(Path dataDir, int port, String portArgument) {
            super("web", dataDir, Lifetime.BOUND_TO_JVM);
            this.port = port;
            this.portArgument = portArgument;
        }

        @Override
        protected List<String> command() {
            return List.of(Path.of(System.getProperty("java.home"), "bin", "jwebserver").toString(),
                    "-J-Xmx32m", "-J-XX:+UseSerialGC", "-J-XX:TieredStopAtLevel=1",
                    "-b", "127.0.0.1", "-p", portArgument, "-d", dataDir().toString());
        }

        @Override
        protected ReadinessProbe readinessProbe() {
            return ReadinessProbe.http(URI.create("http://127.0.0.1:" + port + "/"));
        }
    }

    @Test
    void startsWritesThePidFileAndStopsGracefully() throws Exception {
        WebServer web = new WebServer(dir, FreePorts.pick());
        web.startAndAwaitReady(READY_TIMEOUT);
        long pid = web.pid().orElseThrow();

        assertThat(web.isRunning()).isTrue();
        assertThat(Files.readString(dir.resolve("pid")).strip()).isEqualTo(Long.toString(pid));
        assertThat(web.logFile()).isEqualTo(dir.resolve("web.log"));
        assertThat(web.startupTime()).isPositive();
        assertThat(web.startedAt()).isPresent();

        web.stop(Duration.ofSeconds(10));

        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertThat(FreePorts.isListening(web.port)).isFalse();
        assertThat(dir.resolve("pid")).doesNotExist();
        assertThat(web.onExit()).isDone();
    }

    @Test
    void killRemovesTheProcessAndRestartAppendsToTheSameLog() {
        WebServer web = new WebServer(dir, FreePorts.pick());
        web.startAndAwaitReady(READY_TIMEOUT);
        long firstPid = web.pid().orElseThrow();

        web.kill();

        assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(FreePorts.isListening(web.port)).isFalse();

        web.startAndAwaitReady(READY_TIMEOUT);
        try {
            assertThat(web.pid().orElseThrow()).isNotEqualTo(firstPid);
            assertThat(web.logTail(1000).split("---- lab: starting web")).hasSize(3);
        } finally {
            web.kill();
        }
    }

    @Test
    void attachAdoptsTheRunningProcessAndRefusesAPidThatIsNotTheServer() throws Exception {
        WebServer first = new WebServer(dir, FreePorts.pick());
        first.startAndAwaitReady(READY_TIMEOUT);
        long pid = first.pid().orElseThrow();
        try {
            WebServer second = new WebServer(dir, first.port);
            assertThat(second.attach()).isTrue();
            assertThat(second.pid()).hasValue(pid);
            assertThatThrownBy(new WebServer(dir, first.port)::start)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already runs as pid " + pid);
            second.stop();
            assertThat(ProcessHandle.of(pid)).isEmpty();
        } finally {
            first.kill();
        }

        // A live pid whose command line is not the server's, as after pid recycling: this JVM's own.
        Files.writeString(dir.resolve("pid"), ProcessHandle.current().pid() + "\n");
        WebServer third = new WebServer(dir, first.port);
        assertThat(third.attach()).isFalse();
        assertThat(third.isRunning()).isFalse();
        assertThat(dir.resolve("pid")).doesNotExist();
    }

    @Test
    void aProcessThatExitsBeforeItIsReadyFailsFastWithItsLog() {
        WebServer broken = new WebServer(dir, FreePorts.pick(), "not-a-port");

        assertThatThrownBy(() -> broken.startAndAwaitReady(READY_TIMEOUT))
                .isInstanceOf(ServerStartException.class)
                .hasMessageContaining("web exited with code")
                .hasMessageContaining("not-a-port");
        assertThat(broken.isRunning()).isFalse();
    }

    @Test
    void freePortsAreDistinct() {
        assertThat(FreePorts.pick(5)).doesNotHaveDuplicates().allSatisfy(port -> assertThat(port).isPositive());
    }
}
