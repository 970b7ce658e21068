package dev.perceptwatch.topology;

import dev.perceptwatch.bench.OpsScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Kafka broker process run by {@code ops/kafka.sh} from its own state dir, as the benchmarks run theirs
 * ({@link OpsScript}), which a test can kill (SIGKILL: no controlled shutdown, no flushed logs) and start again
 * on the same data and port.
 */
final class ProcessBroker implements AutoCloseable {
    private static final long SCRIPT_TIMEOUT_SECONDS = 180;

    private final OpsScript kafkaSh = OpsScript.named("kafka.sh");
    private final Path dir;

    ProcessBroker(Path dir) {
        this.dir = dir;
    }

    /** Starts the broker (on {@code port}, or a free one when null) and returns its bootstrap servers. */
    String start(Integer port) {
        return port == null ? kafkaSh.run("start", dir, SCRIPT_TIMEOUT_SECONDS)
                : kafkaSh.run("start", dir, SCRIPT_TIMEOUT_SECONDS, "--port", port.toString());
    }

    /** SIGKILL to the broker's JVM, then waits until it is gone. */
    void kill() throws IOException {
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
        ProcessHandle broker = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no broker pid " + pid));
        broker.destroyForcibly();
        broker.onExit().join();
    }

    @Override
    public void close() {
        kafkaSh.run("stop", dir, SCRIPT_TIMEOUT_SECONDS); // a no-op when it is not running
    }
}
