package dev.perceptwatch.observability;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.MetricStats;
import dev.perceptwatch.events.Severity;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.scoring.ReferenceCacheStats;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.internals.FetchMetricsManager;
import org.apache.kafka.clients.consumer.internals.FetchMetricsRegistry;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.internals.metrics.StreamsMetricsImpl;
import org.apache.kafka.streams.processor.internals.metrics.TaskMetrics;
import org.apache.kafka.streams.processor.internals.metrics.ThreadMetrics;

/**
 * A ServiceMetrics behind a real MetricsServer on loopback, after a call of every recording method, so
 * that tests (and the dashboard/rule checks) see every series the service can export.
 *
 * <p>The Kafka Streams bridge reads a real, unstarted KafkaStreams client (thread states) plus a Kafka
 * {@link Metrics} registries holding sensors created by Kafka's own code (FetchMetricsManager,
 * FetchMetricsRegistry, ThreadMetrics) so the metric names and tags are exactly Kafka's; only a live broker
 * could fill them in the client itself, which is the end-to-end test's job.
 */
final class ExercisedMetrics implements AutoCloseable {

    static final String MODEL = "demo-model";
    static final String VERSION = "v7";
    static final String INPUT_TOPIC = "perceptwatch.generations";
    static final List<String> WORST_EVENT_IDS = List.of("evt-0001-worst", "evt-0002-worse");
    private static final String CLIENT_ID = "perceptwatch-test-2f1c";
    static final String MAIN_CONSUMER = CLIENT_ID + "-StreamThread-1-consumer";
    static final String DROPPING_TASK = "1_3";
    static final int DROPPED_RECORDS = 3;

    final ServiceMetrics metrics;
    final MetricsServer server;
    final KafkaStreams streams;
    final Metrics kafkaMetrics = new Metrics();
    /** The main consumer's own registry: Kafka adds its client-id tag to every fetch metric from the config. */
    final Metrics consumerMetrics = new Metrics(new MetricConfig().tags(Map.of("client-id", MAIN_CONSUMER)));
    private final FetchMetricsManager fetchManager = new FetchMetricsManager(consumerMetrics,
            new FetchMetricsRegistry(Set.of("client-id"), "consumer"));
    private final HttpClient http = HttpClient.newHttpClient();
    private Sensor commits;

    private ExercisedMetrics(ServiceMetrics metrics, KafkaStreams streams) throws IOException {
        this.metrics = metrics;
        this.streams = streams;
        this.server = MetricsServer.start(metrics, "127.0.0.1", 0);
    }

    /**
     * A server whose metrics have been exercised with every method; driftFiring sets the drift gauge: lpips
     * firing CRITICAL (2) and ssim firing WARNING (1), the other metrics quiet (0).
     */
    /** The service's own cap of model series (metrics.max-model-series) when the settings name none. */
    static final int DEFAULT_MAX_MODEL_SERIES = Settings.load(null,
            Map.of("PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")).observability().maxModelSeries();

    static ExercisedMetrics start(Path stateDir, boolean driftFiring) throws IOException {
        ExercisedMetrics fixture = new ExercisedMetrics(new ServiceMetrics(DEFAULT_MAX_MODEL_SERIES),
                unstartedStreams(stateDir));
        fixture.exerciseEveryMethod(driftFiring);
        return fixture;
    }

    static KafkaStreams unstartedStreams(Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "perceptwatch-observability-test");
        props.put(StreamsConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        // Never started, so never connects; port 1 makes an accidental start fail loudly instead.
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT_TOPIC).to("perceptwatch.scores");
        return new KafkaStreams(builder.build(), props);
    }

    private void exerciseEveryMethod(boolean driftFiring) {
        for (int i = 0; i < 10; i++) {
            metrics.eventConsumed();
        }
        for (int i = 0; i < 8; i++) {
            metrics.eventScored(MODEL, VERSION);
        }
        metrics.deadLetter("UNDECODABLE_IMAGE");
        metrics.deadLetter("NO_SUCH_REASON");
        metrics.internalError(InternalError.PROCESSING);
        metrics.scoringBatch(4, Duration.ofMillis(120));
        metrics.scoringBatch(4, Duration.ofMillis(80));
        Instant now = Instant.now();
        metrics.scorePublished(now.minusMillis(750), now);
        metrics.windowClosed(window(MODEL, VERSION, null));
        for (String metric : ServiceMetrics.QUALITY_METRICS) {
            metrics.baseline(MODEL, VERSION, metric, 0.2, 0.05);
            metrics.driftState(MODEL, VERSION, metric, null);
        }
        metrics.driftAlert(alert(driftFiring ? AlertState.FIRING : AlertState.RESOLVED));
        metrics.driftAlert(alert(driftFiring ? AlertState.FIRING : AlertState.RESOLVED, "ssim", Severity.WARNING));
        metrics.scorerDevice("cpu");
        metrics.modelsLoaded(1);
        metrics.bindReferenceCache(() -> new ReferenceCacheStats(30, 10, 2, 6, 4, 5_000_000, 2, 1L << 30));
        metrics.consoleUrl("http://127.0.0.1:9401");
        bindStreamsWithKafkaSensors();
    }

    /** The real client's metrics and threads, plus lag and commit sensors made by Kafka's own registries. */
    private void bindStreamsWithKafkaSensors() {
        recordInputLag(42);
        FetchMetricsRegistry fetch = new FetchMetricsRegistry(Set.of("client-id"), "consumer");
        recordValue(kafkaMetrics.metricInstance(fetch.partitionRecordsLag, Map.of("client-id",
                CLIENT_ID + "-StreamThread-1-restore-consumer", "topic", "changelog", "partition", "0")), 7);
        StreamsMetricsImpl streamsMetrics = new StreamsMetricsImpl(kafkaMetrics, CLIENT_ID, Time.SYSTEM);
        commits = ThreadMetrics.commitSensor(CLIENT_ID + "-StreamThread-1", streamsMetrics);
        recordCommit(12.0);
        Sensor dropped = TaskMetrics.droppedRecordsSensor(CLIENT_ID + "-StreamThread-1", DROPPING_TASK, streamsMetrics);
        for (int i = 0; i < DROPPED_RECORDS; i++) {
            dropped.record();
        }
        metrics.bindKafkaStreams(new KafkaStreamsMetrics.Source(() -> {
            Map<MetricName, Metric> all = new HashMap<>(streams.metrics());
            all.putAll(kafkaMetrics.metrics());
            all.putAll(consumerMetrics.metrics());
            return all;
        }, streams::metadataForLocalThreads, streams::state));
    }

    private Sensor recordValue(MetricName name, double value) {
        Sensor sensor = kafkaMetrics.sensor(name.name() + name.tags());
        sensor.add(name, new Value());
        sensor.record(value);
        return sensor;
    }

    /**
     * Sets the input partition's lag through Kafka's own FetchMetricsManager, as the consumer's fetcher does.
     * For the dotted input topic it also records the deprecated twin tagged {@code perceptwatch_generations}.
     * The method is package-private in Kafka, hence the reflection.
     */
    /** Kafka's commit latency is a windowed average: without a commit for about a minute it is NaN again. */
    void recordCommit(double millis) {
        commits.record(millis);
    }

    void recordInputLag(double records) {
        try {
            Method record = FetchMetricsManager.class.getDeclaredMethod("recordPartitionLag",
                    TopicPartition.class, long.class);
            record.setAccessible(true);
            record.invoke(fetchManager, new TopicPartition(INPUT_TOPIC, 0), (long) records);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Kafka's FetchMetricsManager.recordPartitionLag changed", e);
        }
    }

    static WindowStats window(String model, String version, String segment) {
        List<MetricStats> stats = ServiceMetrics.QUALITY_METRICS.stream().sorted().map(metric ->
                MetricStats.newBuilder().setMetric(metric).setCount(50).setMean(0.21).setStd(0.04)
                        .setMin(0.1).setMax(0.4).setP50(0.2).setP90(0.27).setP99(0.35).build()).toList();
        return WindowStats.newBuilder().setModelId(model).setModelVersion(version).setSegment(segment)
                .setWindowStart(Instant.ofEpochMilli(0)).setWindowEnd(Instant.ofEpochMilli(60_000))
                .setCount(50).setErrors(1).setMetrics(stats).build();
    }

    /** An lpips alert of severity CRITICAL. */
    static DriftAlert alert(AlertState state) {
        return alert(state, "lpips", Severity.CRITICAL);
    }

    static DriftAlert alert(AlertState state, String metric, Severity severity) {
        MetricStats observed = MetricStats.newBuilder().setMetric(metric).setCount(50).setMean(0.4).setStd(0.05)
                .setMin(0.2).setMax(0.6).setP50(0.4).setP90(0.5).setP99(0.58).build();
        return DriftAlert.newBuilder().setAlertId("alert-1").setModelId(MODEL).setModelVersion(VERSION)
                .setMetric(metric).setState(state).setSeverity(severity).setDetector("effect-size")
                .setWindowStart(Instant.ofEpochMilli(0)).setWindowEnd(Instant.ofEpochMilli(60_000))
                .setObserved(observed).setBaselineMean(0.2).setBaselineStd(0.05).setBaselineP90(0.27)
                .setStatistic(4.0).setThreshold(3.0).setWorstEventIds(WORST_EVENT_IDS)
                .setSummary("LPIPS mean rose from 0.20 to 0.40").build();
    }

    String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200) {
            throw new IOException("/metrics answered " + response.statusCode());
        }
        return response.body();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** One sample line of the text exposition format. */
    record Sample(String name, Map<String, String> labels, double value) {
        private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        static List<Sample> parseAll(String exposition) {
            return exposition.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).map(line -> {
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    throw new IllegalArgumentException("not an exposition sample line: " + line);
                }
                Map<String, String> labels = new HashMap<>();
                if (m.group(2) != null) {
                    Matcher label = LABEL.matcher(m.group(2));
                    while (label.find()) {
                        labels.put(label.group(1), label.group(2));
                    }
                }
                return new Sample(m.group(1), Map.copyOf(labels), parseValue(m.group(3)));
            }).toList();
        }

        private static double parseValue(String text) {
            return switch (text) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(text);
            };
        }
    }

    /** Every series name the exposition holds (with _total, _bucket, _info... as Prometheus stores them). */
    static Set<String> seriesNames(String exposition) {
        Set<String> names = new TreeSet<>();
        Sample.parseAll(exposition).forEach(sample -> names.add(sample.name()));
        return names;
    }

    @Override
    public void close() {
        server.close();
        streams.close(Duration.ofSeconds(5));
        kafkaMetrics.close();
        consumerMetrics.close();
    }
}
