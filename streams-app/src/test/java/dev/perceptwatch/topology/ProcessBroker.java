package dev.perceptwatch.topology;

import dev.perceptwatch.testing.KafkaScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Kafka broker process run by {@code ops/kafka.sh} from its own state dir, which a test can kill (SIGKILL:
 * no controlled shutdown, no flushed logs) and start again on the same data and port.
 */
final class ProcessBroker implements AutoCloseable {
    private final Path dir;

    ProcessBroker(Path dir) {
        this.dir = dir;
    }

    /** Starts the broker (on {@code port}, or a free one when null) and returns its bootstrap servers. */
    String start(Integer port) throws IOException, InterruptedException {
        return (port == null ? kafkaSh("start") : kafkaSh("start", "--port", port.toString())).lastLine();
    }

    /** SIGKILL to the broker's JVM, then waits until it is gone. */
    void kill() throws IOException {
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
        ProcessHandle broker = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no broker pid " + pid));
        broker.destroyForcibly();
        broker.onExit().join();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        kafkaSh("stop"); // a no-op when it is not running
    }

    private KafkaScript kafkaSh(String command, String... args) throws IOException, InterruptedException {
        KafkaScript result = KafkaScript.run(dir, command, args);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("ops/kafka.sh " + command + " failed:\n" + result.output());
        }
        return result;
    }
}
