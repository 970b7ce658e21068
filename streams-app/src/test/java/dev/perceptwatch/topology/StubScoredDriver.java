package dev.perceptwatch.topology;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.ingest.RejectedEventException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The service's topology on a TopologyTestDriver, fed as in the service through its scoring stage: each event
 * piped to the generations topic is answered by a stub scorer with the score the test prepared for it, or
 * refused (a dead letter, stamped failed_at by a clock the test sets) when none was. For tests of what comes
 * after scoring (windows, drift, alerts) that need no model.
 */
final class StubScoredDriver implements AutoCloseable {
    private final Settings settings;
    private final AvroSerdes serdes;
    private final TopologyTestDriver driver;
    private final CountedErrors errors;
    private final TestInputTopic<String, byte[]> generations;
    private final TestOutputTopic<String, WindowStats> windows;
    private final TestOutputTopic<String, DriftAlert> alerts;
    /** What the stub scorer answers for each event id: a score, or (absent) a refusal. */
    private final Map<String, QualityScore> prepared = new HashMap<>();
    /** The generations offset of each event id piped. */
    private final Map<String, Long> offsets = new HashMap<>();
    private final SettableClock clock;
    private int refused;

    StubScoredDriver(Settings settings, AvroSerdes serdes, DriftListener driftListener, String applicationId,
                     Path stateDir, Instant start) {
        this.settings = settings;
        this.serdes = serdes;
        this.clock = new SettableClock(start);
        EventScorer stub = (event, references) -> {
            QualityScore score = prepared.remove(event.getEventId());
            if (score == null) {
                throw new RejectedEventException(RejectReason.BAD_EVENT, "refused by the test");
            }
            return CompletableFuture.completedFuture(score);
        };
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        errors = new CountedErrors(serdes, settings.kafka().topics());
        errors.errors.addTo(properties);
        driver = new TopologyTestDriver(PerceptWatchTopology.build(settings, serdes, stub, ScoringListener.NONE,
                driftListener, errors.errors, clock), properties, start);
        var topics = settings.kafka().topics();
        generations = driver.createInputTopic(topics.generations(), new StringSerializer(), new ByteArraySerializer());
        windows = output(topics.windowStats(), WindowStats.class);
        alerts = output(topics.alerts(), DriftAlert.class);
    }

    /**
     * Settings for a driver: {@code env} (PERCEPTWATCH_* variables) on top of a broker address nothing dials and
     * topic names of their own.
     */
    static Settings settings(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS", "unused:9092");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        for (String topic : List.of("generations", "references", "scores", "dead-letters", "window-stats", "alerts")) {
            all.put("PERCEPTWATCH_TOPICS_" + topic.toUpperCase().replace('-', '_'), topic + "-" + suffix);
        }
        return Settings.load(null, all);
    }

    /** The event of {@code score}, answered with it. */
    void pipe(QualityScore score) {
        prepared.put(score.getEventId(), score);
        pipeEvent(score.getEventId(), score.getModelId(), score.getModelVersion(), score.getProducedAt());
    }

    /** An event the stub scorer refuses, at {@code failedAt} by the scoring processor's clock. */
    void pipeRefused(String modelId, String modelVersion, Instant producedAt, Instant failedAt) {
        clock.set(failedAt);
        pipeEvent("refused-" + refused++, modelId, modelVersion, producedAt);
    }

    /**
     * Pipes the event and lets the scoring processor's drain punctuation publish its result: the processor
     * publishes what has finished when the next event comes or the punctuation runs.
     */
    private void pipeEvent(String eventId, String modelId, String modelVersion, Instant producedAt) {
        GenerationEvent event = TestEvents.event(eventId, TestEvents.inline(new byte[] {1}),
                TestEvents.inline(new byte[] {2}), producedAt);
        event.setModelId(modelId);
        event.setModelVersion(modelVersion);
        offsets.put(eventId, (long) offsets.size());
        generations.pipeInput(eventId, serdes.valueSerde(GenerationEvent.class).serializer()
                .serialize(settings.kafka().topics().generations(), event));
        driver.advanceWallClockTime(settings.processing().drainInterval());
    }

    /** The generations offset the event was piped at. */
    long offset(String eventId) {
        return offsets.get(eventId);
    }

    TestOutputTopic<String, WindowStats> windows() {
        return windows;
    }

    TestOutputTopic<String, DriftAlert> alerts() {
        return alerts;
    }

    <V extends org.apache.avro.specific.SpecificRecord> TestOutputTopic<String, V> output(String topic, Class<V> type) {
        return driver.createOutputTopic(topic, new StringDeserializer(), serdes.valueSerde(type).deserializer());
    }

    CountedErrors errors() {
        return errors;
    }

    TopologyTestDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.close();
    }
}
