package lab.platform.lifecycle;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * When a test harness starts this node with {@code lab.parent-pid}, the node exits once that
 * process is gone, so a crashed test run leaves no orphan nodes holding ports. The local cluster
 * does not set it: its nodes are meant to outlive the command that started them.
 */
public class ParentProcessWatchdog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ParentProcessWatchdog.class);

    private final long parentPid;
    private final ApplicationContext context;
    private volatile boolean running;

    public ParentProcessWatchdog(long parentPid, ApplicationContext context) {
        this.parentPid = parentPid;
        this.context = context;
    }

    @Override
    public void start() {
        running = true;
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        if (parent.isEmpty()) {
            log.error("Parent process {} is already gone; exiting", parentPid);
            exit();
            return;
        }
        parent.get().onExit().thenRun(() -> {
            if (running) {
                log.warn("Parent process {} exited; this node stops with it", parentPid);
                exit();
            }
        });
    }

    private void exit() {
        // Not on the caller's thread: SpringApplication.exit stops this very bean.
        Thread.ofPlatform().name("parent-watchdog-exit").start(() -> System.exit(SpringApplication.exit(context, () -> 0)));
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
