package dev.perceptwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.commandline.Reachability;
import dev.perceptwatch.commandline.UserFixableException;
import dev.perceptwatch.testing.KafkaBroker;
import dev.perceptwatch.testing.SchemaRegistry;
import dev.perceptwatch.testing.SharedFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands' common failures, run as main runs them: one line on stderr naming the cause and the fix,
 * exit code 2, and the stack trace only with {@code --verbose}.
 */
class CommandErrorsTest {

    @Test
    void aMissingRequiredOptionIsOneLine() {
        CommandRun run = CommandRun.of("publish-reference", "--id", "r1");

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("error: Missing required option: '--file=<file>' ('perceptwatch publish-reference --help' lists "
                + "the options)", onlyLine(run));
    }

    @Test
    void aBadOptionIsOneLineWithASuggestionAndWhereTheOptionsAreListed() {
        CommandRun run = CommandRun.of("publish-reference", "--id", "r1", "--file", "r.png", "--topc", "t");

        assertEquals(2, run.exitCode(), run.toString());
        String line = onlyLine(run);
        assertTrue(line.startsWith("error: Unknown options: '--topc', 't'"), line);
        assertTrue(line.contains("did you mean --topic?"), line);
        assertTrue(line.endsWith("('perceptwatch publish-reference --help' lists the options)"), line);
    }

    @Test
    void anUnknownCommandIsOneLine() {
        CommandRun run = CommandRun.of("scor");

        assertEquals(2, run.exitCode(), run.toString());
        String line = onlyLine(run);
        assertTrue(line.startsWith("error: Unmatched argument at index 0: 'scor'"), line);
        assertTrue(line.contains("did you mean score"), line);
    }

    @Test
    void anUnreachableRegistryIsNamedWithHowToStartOne() throws IOException {
        int closed = closedPort();
        CommandRun run = CommandRun.of("tail", "scores", "--registry", "http://127.0.0.1:" + closed,
                "--bootstrap", "127.0.0.1:" + closedPort());

        assertEquals(2, run.exitCode(), run.toString());
        String line = onlyLine(run);
        assertTrue(line.startsWith("error: the schema registry at http://127.0.0.1:" + closed + " is not reachable"), line);
        assertTrue(line.contains("ops/registry.sh start, or --registry URL"), line);
    }

    @Test
    @ExtendWith({KafkaBroker.Extension.class, SchemaRegistry.class})
    void anUnreachableBrokerIsNamedWithHowToStartOne(SchemaRegistry.Server registry, @TempDir Path dir)
            throws IOException {
        Path image = Files.write(dir.resolve("r.png"), new byte[] {1});
        int closed = closedPort();
        CommandRun run = CommandRun.of("publish-reference", "--id", "r1", "--file", image.toString(),
                "--registry", registry.url(), "--bootstrap", "127.0.0.1:" + closed);

        assertEquals(2, run.exitCode(), run.toString());
        String line = onlyLine(run);
        assertTrue(line.startsWith("error: the Kafka broker at 127.0.0.1:" + closed + " did not answer within 10 s"), line);
        assertTrue(line.contains("ops/kafka.sh start, or --bootstrap HOST:PORT"), line);
    }

    @Test
    void aMissingModelNamesWhereItLookedAndHowToObtainIt(@TempDir Path dir) throws IOException {
        Path empty = Files.createDirectories(dir.resolve("no-models"));
        Path image = Files.write(dir.resolve("a.png"), new byte[] {1});
        CommandRun run = CommandRun.of("score", "--generated", image.toString(), "--reference", image.toString(),
                "--model-path", empty.toString());

        assertEquals(2, run.exitCode(), run.toString());
        String line = onlyLine(run);
        assertTrue(line.startsWith("error: model 'lpips-alex': file lpips_alex_v0.1.onnx not found; looked in "
                + empty.toAbsolutePath()), line);
        assertTrue(line.contains("See models/README.md for how to obtain it"), line);
    }

    @Test
    void anUnknownSettingsKeyStopsStartUpNamingTheKey(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("perceptwatch.properties"),
                "kafka.bootstrap.servers=127.0.0.1:9092\nregistry.url=http://127.0.0.1:8081\nscoring.batch-sise=4\n");
        CommandRun run = CommandRun.of("run", "--config", config.toString(), "--check");

        assertEquals(2, run.exitCode(), run.toString());
        String line = onlyLine(run);
        assertTrue(line.startsWith("error: unknown settings [scoring.batch-sise] (a typo?"), line);
        assertTrue(line.contains("scoring.batch-size"), "the known keys are listed: " + line);
    }

    @Test
    void aPathThatCannotBeUsedIsNamedWithWhy(@TempDir Path dir) throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("heatmaps"), "a file");
        Path image = Files.write(dir.resolve("a.png"), new byte[] {1});
        CommandRun run = CommandRun.of("score", "--generated", image.toString(), "--reference", image.toString(),
                "--heatmaps", notADirectory.toString());

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("error: " + notADirectory + ": already exists (as a file, where a directory is needed?)",
                onlyLine(run));
    }

    /** What compose's one-shot check runs before the service: 0 and what it found, when all is well. */
    @Test
    void runCheckPassesOnGoodSettingsAndNamesTheModelItFound(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("perceptwatch.properties"), String.join("\n",
                "kafka.bootstrap.servers=127.0.0.1:9092", "registry.url=http://127.0.0.1:8081",
                "scoring.model-path=" + SharedFiles.modelsDir(), ""));
        CommandRun run = CommandRun.of("run", "--config", config.toString(), "--check");

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("", run.err());
        assertTrue(run.out().startsWith("settings ok; model lpips-alex: "
                + SharedFiles.modelsDir().resolve("lpips_alex_v0.1.onnx").toAbsolutePath().normalize() + ", sha256 "), run.out());
        assertTrue(run.out().strip().endsWith("(as the manifest lists)"), run.out());
    }

    @Test
    void aModelThatIsNotThePinnedOneIsOneLineWithBothHashes(@TempDir Path dir) throws IOException {
        String pinned = "0".repeat(64);
        Path config = Files.writeString(dir.resolve("perceptwatch.properties"), String.join("\n",
                "kafka.bootstrap.servers=127.0.0.1:9092", "registry.url=http://127.0.0.1:8081",
                "scoring.model-path=" + SharedFiles.modelsDir(), "scoring.model-sha256=" + pinned, ""));
        CommandRun run = CommandRun.of("run", "--config", config.toString(), "--check");

        assertEquals(2, run.exitCode(), run.toString());
        String line = onlyLine(run);
        assertTrue(line.startsWith("error: model 'lpips-alex': sha256 mismatch for "), line);
        assertTrue(line.contains("expected " + pinned + ", actual "), line);
    }

    @Test
    void verboseAddsTheStackTraceAndStillEndsWithTheOneLine() throws IOException {
        String registry = "http://127.0.0.1:" + closedPort();
        CommandRun run = CommandRun.of("tail", "scores", "--verbose", "--registry", registry,
                "--bootstrap", "127.0.0.1:" + closedPort());

        assertEquals(2, run.exitCode(), run.toString());
        List<String> lines = run.err().strip().lines().toList();
        assertTrue(lines.size() > 2, run.err());
        assertTrue(lines.get(0).startsWith(UserFixableException.class.getName() + ": the schema registry at "), run.err());
        assertTrue(lines.stream().anyMatch(l -> l.strip().startsWith("at " + Reachability.class.getName())), run.err());
        assertTrue(lines.get(lines.size() - 1).startsWith("error: the schema registry at " + registry), run.err());
    }

    private static String onlyLine(CommandRun run) {
        List<String> lines = run.err().strip().lines().toList();
        assertEquals(1, lines.size(), "one line on stderr: " + run.err());
        return lines.get(0);
    }

    /** A port nothing listens on: bound, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
