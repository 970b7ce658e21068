package dev.perceptwatch.ops;

import dev.perceptwatch.testing.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code ops/kafka.sh COMMAND --dir DIR ARGS...} to its end: its exit status and its output, stderr
 * joined to stdout so that a failure message shows both, in order.
 */
record KafkaScript(int exitCode, String output) {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** Runs the command on the broker of state dir {@code dir}; fails when it takes longer than 3 minutes. */
    static KafkaScript run(Path dir, String command, String... args) throws IOException, InterruptedException {
        List<String> commandLine = new ArrayList<>(List.of(RepoFiles.resolve("ops/kafka.sh").toString(), command,
                "--dir", dir.toString()));
        commandLine.addAll(List.of(args));
        Path output = Files.createTempFile(dir.getParent(), "kafka-sh-", ".out");
        Process process = new ProcessBuilder(commandLine).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        try {
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("ops/kafka.sh " + command + " did not finish in " + TIMEOUT + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new KafkaScript(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
            Files.delete(output);
        }
    }

    /** The output's last line, stripped: what {@code start} prints last is the bootstrap servers. */
    String lastLine() {
        List<String> lines = output.lines().toList();
        return lines.get(lines.size() - 1).strip();
    }
}
