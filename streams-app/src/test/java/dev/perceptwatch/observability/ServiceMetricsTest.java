package dev.perceptwatch.observability;

import static dev.perceptwatch.observability.ExercisedMetrics.MODEL;
import static dev.perceptwatch.observability.ExercisedMetrics.VERSION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.Severity;
import dev.perceptwatch.observability.ExercisedMetrics.Sample;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceMetricsTest {

    @TempDir
    Path stateDir;
    private ExercisedMetrics fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = ExercisedMetrics.start(stateDir, true);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void exposesEveryServiceSeriesWithItsLabels() throws Exception {
        List<Sample> samples = Sample.parseAll(fixture.scrape());
        Map<String, String> model = Map.of("model_id", MODEL, "model_version", VERSION);

        // Counters carry _total in the exposition although they are declared without it (client 1.x).
        assertEquals(10, value(samples, "perceptwatch_events_consumed_total", Map.of()));
        assertEquals(8, value(samples, "perceptwatch_events_scored_total", model));
        assertEquals(1, value(samples, "perceptwatch_dead_letters_total", Map.of("reason", "UNDECODABLE_IMAGE")));
        assertEquals(1, value(samples, "perceptwatch_dead_letters_total", Map.of("reason", "OTHER")),
                "an unknown reason code is counted as OTHER");
        assertEquals(0, value(samples, "perceptwatch_dead_letters_total", Map.of("reason", "SIZE_MISMATCH")),
                "every known reason starts at 0 so rate() and ratios work before the first dead letter");
        assertEquals(2, value(samples, "perceptwatch_scoring_batch_duration_seconds_count", Map.of()));
        assertEquals(0.2, value(samples, "perceptwatch_scoring_batch_duration_seconds_sum", Map.of()), 1e-9);
        assertEquals(8, value(samples, "perceptwatch_scoring_batch_size_sum", Map.of()));
        assertEquals(0.75, value(samples, "perceptwatch_end_to_end_latency_seconds_sum", Map.of()), 1e-9);
        assertEquals(50, value(samples, "perceptwatch_window_events", model));
        for (String metric : ServiceMetrics.QUALITY_METRICS) {
            Map<String, String> labels = Map.of("model_id", MODEL, "model_version", VERSION, "metric", metric);
            assertEquals(0.21, value(samples, "perceptwatch_window_mean", labels));
            assertEquals(0.2, value(samples, "perceptwatch_window_p50", labels));
            assertEquals(0.27, value(samples, "perceptwatch_window_p90", labels));
            assertEquals(0.35, value(samples, "perceptwatch_window_p99", labels));
        }
        Map<String, String> lpips = Map.of("model_id", MODEL, "model_version", VERSION, "metric", "lpips");
        Map<String, String> ssim = Map.of("model_id", MODEL, "model_version", VERSION, "metric", "ssim");
        Map<String, String> psnr = Map.of("model_id", MODEL, "model_version", VERSION, "metric", "psnr");
        assertEquals(2, value(samples, "perceptwatch_drift_state", lpips), "a FIRING CRITICAL alert sets 2");
        assertEquals(1, value(samples, "perceptwatch_drift_state", ssim), "a FIRING WARNING alert sets 1");
        assertEquals(0, value(samples, "perceptwatch_drift_state", psnr));
        assertEquals(0.2, value(samples, "perceptwatch_baseline_mean", lpips));
        assertEquals(0.05, value(samples, "perceptwatch_baseline_std", lpips));
        assertEquals(1, value(samples, "perceptwatch_scorer_device_info", Map.of("device", "cpu")));
        assertEquals(1, value(samples, "perceptwatch_console_info", Map.of("url", "http://127.0.0.1:9401")),
                "the console's address, for the alert rules' and dashboard's links");
        assertEquals(1, value(samples, "perceptwatch_models_loaded", Map.of()));
        assertEquals(30, value(samples, "perceptwatch_reference_cache_hits_total", Map.of()));
        assertEquals(10, value(samples, "perceptwatch_reference_cache_misses_total", Map.of()));
        assertEquals(4, value(samples, "perceptwatch_reference_cache_evictions_total", Map.of()));
        assertEquals(5_000_000, value(samples, "perceptwatch_reference_cache_bytes", Map.of()));
        assertEquals(1L << 30, value(samples, "perceptwatch_reference_cache_max_bytes", Map.of()));
        assertTrue(samples.stream().anyMatch(s -> s.name().startsWith("jvm_memory")), "JVM metrics registered");
    }

    @Test
    void bridgesKafkaStreamsLagCommitLatencyDroppedRecordsAndThreadStates() throws Exception {
        List<Sample> samples = Sample.parseAll(fixture.scrape());

        assertEquals(42, value(samples, "perceptwatch_kafka_consumer_lag_records",
                Map.of("topic", ExercisedMetrics.INPUT_TOPIC, "partition", "0")));
        assertTrue(find(samples, "perceptwatch_kafka_consumer_lag_records", Map.of("topic", "changelog")).isEmpty(),
                "restore consumers read changelogs and are not input lag");
        assertEquals(0.012, value(samples, "perceptwatch_streams_commit_latency_avg_seconds",
                Map.of("thread", "StreamThread-1")), 1e-12);
        assertEquals(0.012, value(samples, "perceptwatch_streams_commit_latency_max_seconds",
                Map.of("thread", "StreamThread-1")), 1e-12);
        assertEquals(ExercisedMetrics.DROPPED_RECORDS, value(samples, "perceptwatch_streams_dropped_records_total",
                Map.of("task", ExercisedMetrics.DROPPING_TASK)), "Kafka Streams' own dropped-records sensor");
        // The real client was never started: its one stream thread is CREATED.
        assertEquals(1, value(samples, "perceptwatch_streams_threads", Map.of("state", "CREATED")));
    }

    @Test
    void exportsOneLagSeriesPerPartitionThoughKafkaAlsoReportsTheUnderscoredTwin() throws Exception {
        String twin = ExercisedMetrics.INPUT_TOPIC.replace('.', '_');
        assertEquals(2, fixture.consumerMetrics.metrics().keySet().stream()
                .filter(name -> name.name().equals(KafkaStreamsMetrics.PARTITION_LAG)
                        && name.group().equals(KafkaStreamsMetrics.FETCH_GROUP)
                        && name.tags().get("partition").equals("0")
                        && List.of(ExercisedMetrics.INPUT_TOPIC, twin).contains(name.tags().get("topic")))
                .count(), "Kafka's FetchMetricsManager records the dotted topic's lag under both topic tags");

        fixture.recordInputLag(1_500);
        List<Sample> lag = Sample.parseAll(fixture.scrape()).stream()
                .filter(s -> s.name().equals("perceptwatch_kafka_consumer_lag_records")).toList();
        assertEquals(List.of(new Sample("perceptwatch_kafka_consumer_lag_records",
                Map.of("topic", ExercisedMetrics.INPUT_TOPIC, "partition", "0"), 1_500)), lag,
                "one series per input partition, so sum by (topic) is not doubled");
    }

    @Test
    void driftStateIsTheOpenEpisodesSeverityAndZeroOnceResolved() throws Exception {
        Map<String, String> lpips = Map.of("model_id", MODEL, "model_version", VERSION, "metric", "lpips");
        fixture.metrics.driftAlert(ExercisedMetrics.alert(AlertState.RESOLVED));
        assertEquals(ServiceMetrics.DRIFT_QUIET, value(Sample.parseAll(fixture.scrape()), "perceptwatch_drift_state", lpips));
        fixture.metrics.driftAlert(ExercisedMetrics.alert(AlertState.FIRING, "lpips", Severity.WARNING));
        assertEquals(ServiceMetrics.DRIFT_FIRING_WARNING,
                value(Sample.parseAll(fixture.scrape()), "perceptwatch_drift_state", lpips));
        fixture.metrics.driftState(MODEL, VERSION, "lpips", Severity.CRITICAL);
        assertEquals(ServiceMetrics.DRIFT_FIRING_CRITICAL,
                value(Sample.parseAll(fixture.scrape()), "perceptwatch_drift_state", lpips), "restored state");
        fixture.metrics.driftState(MODEL, VERSION, "lpips", null);
        assertEquals(ServiceMetrics.DRIFT_QUIET, value(Sample.parseAll(fixture.scrape()), "perceptwatch_drift_state", lpips));
    }

    @Test
    void healthIsAlwaysOkAndReadyFollowsTheStreamsState() throws Exception {
        assertEquals(200, fixture.get("/health").statusCode());

        HttpResponse<String> unready = fixture.get("/ready");
        assertEquals(503, unready.statusCode());
        assertEquals("not ready: kafka streams CREATED\n", unready.body(),
                "default check: the bound client is not RUNNING (a model is loaded)");
        assertEquals(0, value(Sample.parseAll(fixture.scrape()), "perceptwatch_ready", Map.of()));

        AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.REBALANCING);
        fixture.metrics.bindKafkaStreams(new KafkaStreamsMetrics.Source(Map::of, List::of, state::get));
        assertEquals("not ready: kafka streams REBALANCING\n", fixture.get("/ready").body());
        state.set(KafkaStreams.State.RUNNING);
        HttpResponse<String> ready = fixture.get("/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("ready\n", ready.body());
        assertEquals(1, value(Sample.parseAll(fixture.scrape()), "perceptwatch_ready", Map.of()));
    }

    @Test
    void defaultReadinessNamesEverythingMissingBeforeStart() {
        ServiceMetrics fresh = new ServiceMetrics(ExercisedMetrics.DEFAULT_MAX_MODEL_SERIES);
        assertEquals(List.of("kafka streams not started", "no scoring model loaded"),
                fresh.readiness().notReady());
    }

    @Test
    void foldsModelSeriesBeyondTheCapIntoOther() throws Exception {
        ServiceMetrics capped = new ServiceMetrics(2);
        capped.eventScored("a", "1");
        capped.eventScored("b", "1");
        capped.eventScored("c", "1");
        capped.eventScored("d", "9");
        capped.eventScored("a", "1");
        capped.windowClosed(ExercisedMetrics.window("e", "2", null));
        try (MetricsServer server = MetricsServer.start(capped, "127.0.0.1", 0)) {
            List<Sample> samples = Sample.parseAll(scrape(server));
            assertEquals(2, value(samples, "perceptwatch_events_scored_total", Map.of("model_id", "a")));
            assertEquals(1, value(samples, "perceptwatch_events_scored_total", Map.of("model_id", "b")));
            assertEquals(2, value(samples, "perceptwatch_events_scored_total",
                    Map.of("model_id", "other", "model_version", "other")));
            assertEquals(50, value(samples, "perceptwatch_window_events", Map.of("model_id", "other")));
            assertEquals(3, value(samples, "perceptwatch_model_series_folded_total", Map.of()));
            assertTrue(samples.stream().map(s -> s.labels().getOrDefault("model_id", ""))
                    .noneMatch(List.of("c", "d", "e")::contains));
        }
    }

    /** Issue 19: versions that come and go no longer fold into "other" until a restart. */
    @Test
    void aRetiredVersionFreesItsPlaceUnderTheCap() throws Exception {
        ServiceMetrics capped = new ServiceMetrics(2);
        capped.eventScored("a", "1");
        capped.windowClosed(ExercisedMetrics.window("a", "1", null));
        capped.eventScored("b", "1");
        capped.eventScored("c", "1");
        capped.retireModelVersion("a", "1");
        capped.retireModelVersion("c", "1");   // folded: it had no place to free
        capped.eventScored("d", "1");
        capped.eventScored("e", "1");
        try (MetricsServer server = MetricsServer.start(capped, "127.0.0.1", 0)) {
            List<Sample> samples = Sample.parseAll(scrape(server));
            assertEquals(1, value(samples, "perceptwatch_events_scored_total", Map.of("model_id", "d")),
                    "d takes a's place");
            assertEquals(2, value(samples, "perceptwatch_events_scored_total", Map.of("model_id", "other")),
                    "c before, e after: the cap still holds");
            assertTrue(samples.stream().noneMatch(s -> "a".equals(s.labels().get("model_id"))), "a's series are gone");
            assertEquals(1, value(samples, "perceptwatch_events_scored_total", Map.of("model_id", "b")));
        }
    }

    @Test
    void forgettingAModelVersionRemovesItsWindowBaselineAndDriftSeriesOnly() throws Exception {
        fixture.metrics.windowClosed(ExercisedMetrics.window(MODEL, "v8", null));
        fixture.metrics.driftState(MODEL, "v8", "lpips", Severity.WARNING);
        fixture.metrics.forgetModelVersion(MODEL, VERSION);
        List<Sample> samples = Sample.parseAll(fixture.scrape());
        for (String gauge : List.of("perceptwatch_window_events", "perceptwatch_window_mean", "perceptwatch_window_p90",
                "perceptwatch_baseline_mean", "perceptwatch_baseline_std", "perceptwatch_drift_state")) {
            assertTrue(find(samples, gauge, Map.of("model_version", VERSION)).isEmpty(), gauge + " of " + VERSION);
        }
        assertEquals(1, value(samples, "perceptwatch_drift_state",
                Map.of("model_id", MODEL, "model_version", "v8", "metric", "lpips")), "another version stays");
        assertEquals(50, value(samples, "perceptwatch_window_events", Map.of("model_version", "v8")));
        assertEquals(8, value(samples, "perceptwatch_events_scored_total", Map.of("model_version", VERSION)),
                "scoring counters are this instance's work and stay");
    }

    @Test
    void neverExportsEventIds() throws Exception {
        String exposition = fixture.scrape();
        for (String eventId : ExercisedMetrics.WORST_EVENT_IDS) {
            assertFalse(exposition.contains(eventId), "event id " + eventId + " leaked into /metrics");
        }
        assertTrue(Sample.parseAll(exposition).stream().noneMatch(s -> s.labels().containsKey("event_id")));
    }

    @Test
    void segmentedWindowsAndAlertsAreNotExported() throws Exception {
        ServiceMetrics fresh = new ServiceMetrics(ExercisedMetrics.DEFAULT_MAX_MODEL_SERIES);
        fresh.windowClosed(ExercisedMetrics.window(MODEL, VERSION, "prompt-set-b"));
        fresh.driftAlert(DriftAlert.newBuilder(ExercisedMetrics.alert(AlertState.FIRING)).setSegment("prompt-set-b").build());
        try (MetricsServer server = MetricsServer.start(fresh, "127.0.0.1", 0)) {
            List<Sample> samples = Sample.parseAll(scrape(server));
            assertTrue(find(samples, "perceptwatch_window_mean", Map.of()).isEmpty());
            assertTrue(find(samples, "perceptwatch_drift_state", Map.of()).isEmpty());
        }
    }

    @Test
    void rejectsUnknownQualityMetricNamingIt() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> fixture.metrics.baseline(MODEL, VERSION, "fid", 1, 1));
        assertTrue(error.getMessage().contains("'fid'"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ServiceMetrics(0));
    }

    /** Ids that break the event contract (a dead letter's, an old record's) never make a metric throw. */
    @Test
    void reportsIdsThatBreakTheEventContractUnderAFixedLabel() throws Exception {
        ServiceMetrics fresh = new ServiceMetrics(2);
        fresh.eventScored(" ", VERSION);
        fresh.windowClosed(ExercisedMetrics.window("", VERSION, null));
        fresh.windowClosed(ExercisedMetrics.window(MODEL, "v\u0001", null));
        fresh.baseline("x".repeat(300), VERSION, "lpips", 0.2, 0.1);
        fresh.driftState(MODEL, "   ", "lpips", Severity.WARNING);
        fresh.noBaseline("", "", "lpips");
        fresh.forgetModelVersion(" ", null);
        fresh.eventScored(MODEL, VERSION);
        try (MetricsServer server = MetricsServer.start(fresh, "127.0.0.1", 0)) {
            List<Sample> samples = Sample.parseAll(scrape(server));
            assertEquals(1, value(samples, "perceptwatch_events_scored_total",
                    Map.of("model_id", "invalid", "model_version", "invalid")));
            assertEquals(50, value(samples, "perceptwatch_window_events", Map.of("model_id", "invalid")));
            assertEquals(1, value(samples, "perceptwatch_events_scored_total", Map.of("model_id", MODEL)),
                    "invalid ids take no place under the series cap");
            assertEquals(0, value(samples, "perceptwatch_model_series_folded_total", Map.of()));
        }
    }

    private static String scrape(MetricsServer server) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Optional<Sample> find(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).findFirst();
    }

    private static double value(List<Sample> samples, String name, Map<String, String> labels) {
        return find(samples, name, labels).orElseThrow(() -> new AssertionError(
                "no sample " + name + labels + " in the exposition")).value();
    }
}
