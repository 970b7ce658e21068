package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.service.PerceptWatchService;
import dev.perceptwatch.testing.KafkaBroker;
import dev.perceptwatch.testing.SchemaRegistry;
import dev.perceptwatch.testing.SharedFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once proof of ARCHITECTURE.md section 5: the service runs as its own process, is killed with
 * SIGKILL at random moments while events flow in, and is restarted on the same state dir each time; in the
 * end every event has exactly one result, a score or a dead letter, as a read_committed consumer sees them.
 * The seed of the kill times is logged; {@code -Dperceptwatch.crash.seed=N} repeats a run's kill times.
 */
@ExtendWith({KafkaBroker.Extension.class, SchemaRegistry.class})
class CrashRecoveryTest {
    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryTest.class);
    private static final int EVENTS = 2000;
    private static final int KILLS = 3;
    /** Events flow in at about 40 a second, so that they still flow during the kills and restarts. */
    private static final int EVENTS_PER_ROUND = 10;
    private static final long ROUND_MILLIS = 250;
    private static final int MAX_KILL_DELAY_MILLIS = 2500;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration RESULTS_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    private record Kill(int number, long millisAfterProgress, int produced, int resultsBefore, int exitStatus) {
    }

    @Test
    void everyEventIsPublishedExactlyOnceThroughRepeatedKills(KafkaBroker kafka, SchemaRegistry.Server registry)
            throws Exception {
        long seed = Long.getLong("perceptwatch.crash.seed", System.nanoTime());
        LOG.info("crash test seed {} (repeat with -Dperceptwatch.crash.seed={})", seed, seed);
        Random random = new Random(seed);
        PipelineTopics topics = PipelineTopics.create(kafka.admin(), "crash");
        // Short commits and two stream threads, so that kills land inside open transactions of both threads.
        Path config = ServiceConfig.write(dir, kafka.bootstrapServers(), registry.url(), topics, Map.of(
                "kafka.commit.interval.ms", "100", "kafka.num.stream.threads", "2"));
        AvroSerdes serdes = PerceptWatchService.registrySerdes(ServiceConfig.load(config).kafka());
        Path log = Path.of(System.getProperty("user.dir"), "target", "crash-recovery", "service.log");

        Supplier<String> missing = () -> "(production not finished)";
        try (PipelineInput input = new PipelineInput(kafka.bootstrapServers(), serdes, topics, Map.of());
             PipelineOutputs outputs = new PipelineOutputs(kafka.bootstrapServers(), serdes, topics);
             ServiceProcess service = new ServiceProcess(config, log, dir)) {
            try {
                input.reference(TestEvents.reference(MixedTraffic.REFERENCE_ID, SharedFiles.imageBytes("ex_ref.png")));
                MixedTraffic traffic = new MixedTraffic(input, EVENTS);
                AtomicBoolean killsDone = new AtomicBoolean();
                CompletableFuture<List<Future<RecordMetadata>>> production = CompletableFuture.supplyAsync(
                        () -> traffic.produce(input, EVENTS_PER_ROUND, ROUND_MILLIS, killsDone));

                List<Kill> kills = new ArrayList<>();
                int results = 0;
                service.start();
                for (int k = 1; k <= KILLS; k++) {
                    assertTrue(service.awaitRunning(START_TIMEOUT), "start " + k + " did not reach RUNNING");
                    // Kill while the service works: once this start has published something.
                    assertTrue(awaitMoreThan(outputs, results, START_TIMEOUT), "no new results after start " + k);
                    long delay = random.nextInt(MAX_KILL_DELAY_MILLIS);
                    Thread.sleep(delay);
                    int produced = traffic.produced();
                    int status = service.kill();
                    results = outputs.readAvailable();
                    Kill kill = new Kill(k, delay, produced, results, status);
                    kills.add(kill);
                    LOG.info("{}", kill);
                    service.start();
                }
                killsDone.set(true);
                List<RecordMetadata> positions = new ArrayList<>();
                for (Future<RecordMetadata> sent : production.get(5, TimeUnit.MINUTES)) {
                    positions.add(sent.get());
                }
                missing = () -> missingResults(traffic.ids(), positions, outputs);
                List<String> ids = traffic.ids();
                assertTrue(outputs.awaitResults(ids, RESULTS_TIMEOUT), () -> "results for " + outputs.counts().size()
                        + " of " + ids.size() + " events");
                int stopStatus = service.stop(Duration.ofSeconds(60));
                assertNotEquals(-1, stopStatus, "the service did not stop within 60 s of SIGTERM");
                outputs.readToEnd(Duration.ofMinutes(1));

                outputs.assertExactlyOnce(ids);
                traffic.assertRoutedAsExpected(outputs);
                // (Events were still flowing at every kill: MixedTraffic holds its last round back until killsDone.)
                for (Kill kill : kills) {
                    assertEquals(137, kill.exitStatus(), "killed by SIGKILL (128 + 9): " + kill);
                }
                LOG.info("crash test (seed {}): {}; {} events, {} scores, {} dead letters, each event once; {} tasks"
                                + " scored pending events again after a restart; SIGTERM exit status {}",
                        seed, kills, ids.size(), outputs.scores().size(), outputs.deadLetters().size(),
                        service.countInLog("scoring again"), stopStatus);
            } catch (Throwable failure) {
                // A stall shows only in the stacks: the last start's thread dump ends the log.
                service.dumpThreads();
                String applicationId = ServiceConfig.load(config).kafka().applicationId();
                LOG.error("crash test failed (seed {}); offsets:{}\nevents without a result: {}\npending in the"
                                + " changelog: {}\nservice output in {}, last lines:\n{}", seed,
                        PipelineDiagnostics.describe(kafka.admin(), applicationId, topics), missing.get(),
                        PipelineDiagnostics.pendingInChangelog(kafka.bootstrapServers(), applicationId),
                        service.log(), service.tail(400));
                throw failure;
            }
        }
    }

    /** The events without a result so far, with where they lie in the input. */
    private static String missingResults(List<String> ids, List<RecordMetadata> positions, PipelineOutputs outputs) {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < positions.size(); i++) {
            if (!outputs.counts().containsKey(ids.get(i))) {
                missing.add(ids.get(i) + " at " + positions.get(i).partition() + "@" + positions.get(i).offset());
            }
        }
        return missing.size() + " " + missing.subList(0, Math.min(40, missing.size()));
    }

    private static boolean awaitMoreThan(PipelineOutputs outputs, int results, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (outputs.readAvailable() > results) {
                return true;
            }
        }
        return false;
    }
}
