package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.service.PerceptWatchService;
import dev.perceptwatch.testing.RepoFiles;
import dev.perceptwatch.testing.SchemaRegistry;
import dev.perceptwatch.testing.SharedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/PRODUCERS.md's Python example ({@code client/python/publish_example.py}, Debian's python3-confluent-kafka
 * and python3-avro) run as a user runs it, against a broker started by {@code ops/kafka.sh} and the registry
 * started by {@code ops/registry.sh}; the service then scores both of its events, the inline one and the one
 * by reference id.
 */
@ExtendWith(SchemaRegistry.class)
class PythonProducerTest {
    private static final Path EXAMPLE = RepoFiles.resolve("client/python/publish_example.py");
    /** Debian installs the packages for its own interpreter; a python3 first on PATH may be another one. */
    private static final List<String> INTERPRETERS = List.of("/usr/bin/python3", "python3");
    private static final Duration RESULTS_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void bothEventsOfThePythonExampleAreScored(SchemaRegistry.Server registry) throws Exception {
        String python = interpreterWithTheClientPackages();
        try (ProcessBroker broker = new ProcessBroker(Files.createDirectories(dir.resolve("kafka")))) {
            String bootstrap = broker.start(null);
            PipelineTopics topics;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                topics = PipelineTopics.create(admin, "python");
            }
            List<String> printed = run(List.of(python, EXAMPLE.toString(), "--bootstrap", bootstrap,
                    "--registry", registry.url(),
                    "--generated", SharedFiles.image("ex_p0.png").toString(),
                    "--reference", SharedFiles.image("ex_ref.png").toString(),
                    "--generations-topic", topics.generations(), "--references-topic", topics.references()));
            // <id> <topic>/<partition>@<offset>: the reference first, then the two events.
            assertEquals(3, printed.size(), printed.toString());
            assertTrue(printed.get(0).startsWith("portrait-0001 " + topics.references() + "/"), printed.get(0));
            List<String> eventIds = printed.subList(1, 3).stream().map(line -> line.split(" ")[0]).toList();

            Settings settings = ServiceConfig.load(ServiceConfig.write(dir, bootstrap, registry.url(), topics, Map.of()));
            AvroSerdes serdes = PerceptWatchService.registrySerdes(settings.kafka());
            try (PipelineOutputs outputs = new PipelineOutputs(bootstrap, serdes, topics);
                 PerceptWatchService service = PerceptWatchService.start(settings)) {
                assertTrue(outputs.awaitResults(eventIds, RESULTS_TIMEOUT), () -> "results " + outputs.counts());
                outputs.assertExactlyOnce(eventIds);
                assertEquals(List.of(), outputs.deadLetters());
                Map<String, QualityScore> scores = outputs.scores().stream()
                        .collect(Collectors.toMap(QualityScore::getEventId, Function.identity()));
                for (String id : eventIds) {
                    QualityScore score = scores.get(id);
                    assertEquals("sdxl-faces", score.getModelId());
                    assertEquals("v7", score.getModelVersion());
                    // MODELS.md, "Example-image distances": LPIPS alex of ex_p0 against ex_ref.
                    assertEquals(0.721881, score.getLpips(), 1e-5, id);
                }
                // One event names the reference by id, the other carries it inline; the example prints them as
                // their deliveries are confirmed, which need not be the order they were sent in.
                assertEquals(java.util.Arrays.asList("portrait-0001", null), eventIds.stream()
                        .map(id -> scores.get(id).getReferenceId())
                        .sorted(java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())).toList());
            }
        }
    }

    /**
     * The interpreter that has both packages; the test is skipped, saying why, only where they cannot be
     * installed (ops/test.sh installs them when it runs as root).
     */
    private static String interpreterWithTheClientPackages() throws InterruptedException {
        for (String python : INTERPRETERS) {
            try {
                Process probe = new ProcessBuilder(python, "-c", "import confluent_kafka, avro.io")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return python;
                }
                probe.destroyForcibly();
            } catch (IOException notInstalled) {
                // try the next one
            }
        }
        Assumptions.abort("no python3 with the modules confluent_kafka and avro (" + INTERPRETERS + "): install the "
                + "Debian packages python3-confluent-kafka and python3-avro (ops/test.sh does, when run as root)");
        throw new AssertionError("unreachable");
    }

    private List<String> run(List<String> command) throws IOException, InterruptedException {
        Path out = dir.resolve("python.out");
        Path err = dir.resolve("python.err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not finish in 120 s:\n" + Files.readString(err));
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + stderr);
        return new ArrayList<>(Files.readAllLines(out, StandardCharsets.UTF_8));
    }
}
