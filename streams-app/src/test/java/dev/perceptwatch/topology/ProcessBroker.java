package dev.perceptwatch.topology;

import dev.perceptwatch.testing.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker process run by {@code ops/kafka.sh} from its own state dir, which a test can kill (SIGKILL:
 * no controlled shutdown, no flushed logs) and start again on the same data and port.
 */
final class ProcessBroker implements AutoCloseable {
    private static final long SCRIPT_TIMEOUT_SECONDS = 180;

    private final Path dir;

    ProcessBroker(Path dir) {
        this.dir = dir;
    }

    /** Starts the broker (on {@code port}, or a free one when null) and returns its bootstrap servers. */
    String start(Integer port) throws IOException, InterruptedException {
        List<String> lines = (port == null ? kafkaSh("start") : kafkaSh("start", "--port", port.toString())).lines().toList();
        return lines.get(lines.size() - 1).strip();
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

    private String kafkaSh(String command, String... args) throws IOException, InterruptedException {
        List<String> commandLine = new ArrayList<>(List.of(RepoFiles.resolve("ops/kafka.sh").toString(), command,
                "--dir", dir.toString()));
        commandLine.addAll(List.of(args));
        Path output = Files.createTempFile(dir.getParent(), "kafka-sh-", ".out");
        Process process = new ProcessBuilder(commandLine).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("ops/kafka.sh " + command + " failed or hung:\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return Files.readString(output, StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
            Files.delete(output);
        }
    }
}
