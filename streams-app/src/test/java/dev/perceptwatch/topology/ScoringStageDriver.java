package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.ingest.ImageFetcher;
import dev.perceptwatch.ingest.ImageSourceResolver;
import dev.perceptwatch.ingest.UriPolicy;
import dev.perceptwatch.scoring.EncodedPairScorer.EncodedImages;
import dev.perceptwatch.scoring.PairScores;
import dev.perceptwatch.testing.SharedFiles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The service's topology on the TopologyTestDriver, fed raw generation records, with the service's event scorer
 * (the real resolver, uri policy and dead-letter routing) over the images scorer a test gives: the real model,
 * or a stand-in where the test checks routing only. Scoring runs on other threads, so outputs are awaited.
 */
final class ScoringStageDriver implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    final Settings settings;
    final AvroSerdes serdes;
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> generations;
    final TestInputTopic<String, ReferenceImage> references;
    final TestOutputTopic<String, QualityScore> scores;
    final TestOutputTopic<String, DeadLetter> deadLetters;

    ScoringStageDriver(Settings settings, AvroSerdes serdes, Path stateDir,
                       Function<EncodedImages, CompletableFuture<PairScores>> images, String scorerSha256) {
        this.settings = settings;
        this.serdes = serdes;
        EventScorer pipeline = new EventScoringPipeline(new ImageSourceResolver(new ImageFetcher(
                new UriPolicy(List.of(SharedFiles.sharedDir().resolve("images")), Set.of("images.example.com",
                        "127.0.0.1"), 1 << 20, Duration.ofSeconds(5))), settings.windows().maxFutureSkew(),
                Clock.systemUTC()),
                images, "lpips-alex", scorerSha256, Clock.systemUTC());
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "scoring-stage-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        InternalErrors errors = new CountedErrors(serdes, settings.kafka().topics()).errors;
        errors.addTo(properties);
        driver = new TopologyTestDriver(PerceptWatchTopology.build(settings, serdes, pipeline, ScoringListener.NONE,
                DriftListener.NONE, errors, Clock.systemUTC()), properties, T0);
        var topics = settings.kafka().topics();
        generations = driver.createInputTopic(topics.generations(), new ByteArraySerializer(), new ByteArraySerializer());
        references = driver.createInputTopic(topics.references(), new StringSerializer(),
                serdes.valueSerde(ReferenceImage.class).serializer());
        scores = driver.createOutputTopic(topics.scores(), new StringDeserializer(),
                serdes.valueSerde(QualityScore.class).deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters(), new StringDeserializer(),
                serdes.valueSerde(DeadLetter.class).deserializer());
    }

    /** Settings on topics of their own, with {@code env} on top. */
    static Settings settings(Map<String, String> env) {
        String topicSuffix = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> all = new HashMap<>(Map.of(
                "PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS", "unused:9092",
                "PERCEPTWATCH_SCORING_MODEL_PATH", SharedFiles.modelsDir().toString(),
                "PERCEPTWATCH_TOPICS_GENERATIONS", "generations-" + topicSuffix,
                "PERCEPTWATCH_TOPICS_REFERENCES", "references-" + topicSuffix,
                "PERCEPTWATCH_TOPICS_SCORES", "scores-" + topicSuffix,
                "PERCEPTWATCH_TOPICS_DEAD_LETTERS", "dead-letters-" + topicSuffix));
        all.putAll(env);
        return Settings.load(null, all);
    }

    byte[] avro(GenerationEvent event) {
        return serdes.valueSerde(GenerationEvent.class).serializer().serialize(settings.kafka().topics().generations(),
                event);
    }

    void pipe(GenerationEvent event) {
        generations.pipeInput(event.getEventId().getBytes(StandardCharsets.UTF_8), avro(event), event.getProducedAt());
    }

    /** Scoring runs on other threads; the stage publishes what has finished when wall-clock time advances. */
    void awaitOutputs(int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (scores.getQueueSize() + deadLetters.getQueueSize() < expected && System.nanoTime() < deadline) {
            driver.advanceWallClockTime(Duration.ofMillis(20));
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertEquals(expected, scores.getQueueSize() + deadLetters.getQueueSize(), "published records");
    }

    DeadLetter onlyDeadLetter(byte[] value) {
        generations.pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8),
                value, new RecordHeaders().add("trace", new byte[] {7}), T0));
        awaitOutputs(1);
        assertTrue(scores.isEmpty(), "no score for a bad record");
        DeadLetter letter = deadLetters.readValue();
        assertArrayEquals(value, bytes(letter.getOriginalValue()), "the dead letter keeps the original bytes");
        assertEquals("trace", letter.getOriginalHeaders().get(0).getKey());
        return letter;
    }

    DeadLetter deadLetterFor(GenerationEvent event) {
        DeadLetter letter = onlyDeadLetter(avro(event));
        assertEquals(event.getEventId(), letter.getEventId());
        assertEquals(event.getModelId(), letter.getModelId());
        return letter;
    }

    int pendingRecords() {
        return (int) driver.<String, byte[]>getKeyValueStore(ScoringStage.PENDING_STORE).approximateNumEntries();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Override
    public void close() {
        driver.close();
    }
}
