package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.service.PerceptWatchService;
import dev.perceptwatch.testing.SchemaRegistry;
import dev.perceptwatch.testing.SharedFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker dies (SIGKILL) in the middle of a stream and comes back on the same port and data: the service
 * rides it out, and every event still has exactly one result.
 */
@ExtendWith(SchemaRegistry.class)
class BrokerRestartTest {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerRestartTest.class);
    private static final int EVENTS = 600;
    private static final Duration RESULTS_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration DOWN_TIME = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void everyEventIsPublishedExactlyOnceAcrossABrokerCrash(SchemaRegistry.Server registry) throws Exception {
        try (ProcessBroker broker = new ProcessBroker(dir.resolve("broker"))) {
            String bootstrap = broker.start(null);
            int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            PipelineTopics topics;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                topics = PipelineTopics.create(admin, "broker-restart");
            }
            Settings settings = ServiceConfig.load(ServiceConfig.write(dir, bootstrap, registry.url(), topics, Map.of(
                    "kafka.commit.interval.ms", "100", "kafka.num.stream.threads", "2")));
            AvroSerdes serdes = PerceptWatchService.registrySerdes(settings.kafka());
            // Sends wait out the outage instead of failing: retries are on by default, the deadline is long.
            Map<String, Object> patientProducer = Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000);

            try (PipelineInput input = new PipelineInput(bootstrap, serdes, topics, patientProducer);
                 PipelineOutputs outputs = new PipelineOutputs(bootstrap, serdes, topics);
                 PerceptWatchService service = PerceptWatchService.start(settings)) {
                input.reference(TestEvents.reference(MixedTraffic.REFERENCE_ID, SharedFiles.imageBytes("ex_ref.png")));
                MixedTraffic traffic = new MixedTraffic(input, EVENTS);
                // Held back by MixedTraffic until set, so events are still flowing when the broker dies.
                AtomicBoolean restarted = new AtomicBoolean();
                CompletableFuture<List<Future<RecordMetadata>>> production = CompletableFuture.supplyAsync(
                        () -> traffic.produce(input, 10, 250, restarted));

                assertTrue(outputs.awaitResults(traffic.ids().subList(0, 50), RESULTS_TIMEOUT), "results before the crash");
                int producedAtKill = traffic.produced();
                int resultsAtKill = outputs.readAvailable();
                broker.kill();
                Thread.sleep(DOWN_TIME.toMillis());
                long restart = System.nanoTime();
                assertEquals(bootstrap, broker.start(port));
                LOG.info("broker killed with {} of {} events produced and {} results seen; back after {} ms",
                        producedAtKill, EVENTS, resultsAtKill, (System.nanoTime() - restart) / 1_000_000);
                restarted.set(true);

                for (Future<RecordMetadata> sent : production.get(5, TimeUnit.MINUTES)) {
                    sent.get();
                }
                List<String> ids = traffic.ids();
                if (!outputs.awaitResults(ids, RESULTS_TIMEOUT)) {
                    // A stall shows only in the stacks and the offsets (the service runs in this JVM).
                    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                        String applicationId = settings.kafka().applicationId();
                        LOG.error("stalled in {}; offsets:{}\npending in the changelog: {}\nthreads:\n{}",
                                service.state(), PipelineDiagnostics.describe(admin, applicationId, topics),
                                PipelineDiagnostics.pendingInChangelog(bootstrap, applicationId), threadDump());
                    }
                    fail("results for " + outputs.counts().size() + " of " + ids.size() + " events");
                }
                assertTrue(awaitRunning(service, Duration.ofSeconds(60)),
                        () -> "the service rode out the broker crash: " + service.state());
                service.close();
                outputs.readToEnd(Duration.ofMinutes(1));

                outputs.assertExactlyOnce(ids);
                traffic.assertRoutedAsExpected(outputs);
                LOG.info("broker restart: {} events, {} scores, {} dead letters, each event once", ids.size(),
                        outputs.scores().size(), outputs.deadLetters().size());
            }
        }
    }

    private static String threadDump() {
        StringBuilder dump = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
            for (StackTraceElement frame : stack) {
                dump.append("    at ").append(frame).append('\n');
            }
        });
        return dump.toString();
    }

    /**
     * Whether the client is (back) in RUNNING within {@code timeout}: a rebalance may still be settling after the
     * broker's return, but a client that died never gets back.
     */
    private static boolean awaitRunning(PerceptWatchService service, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (service.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            if (!service.state().isRunningOrRebalancing()) {
                return false;
            }
            Thread.sleep(100);
        }
        return service.state() == KafkaStreams.State.RUNNING;
    }
}
