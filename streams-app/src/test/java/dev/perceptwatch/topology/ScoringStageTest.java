package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.perceptwatch.client.BadRecordException;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.ingest.ImageFetcher;
import dev.perceptwatch.ingest.ImageSourceResolver;
import dev.perceptwatch.ingest.UriPolicy;
import dev.perceptwatch.scoring.EncodedPairScorer;
import dev.perceptwatch.scoring.ScoringEngine;
import dev.perceptwatch.testing.PngHeaders;
import dev.perceptwatch.testing.SchemaRegistry;
import dev.perceptwatch.testing.SharedFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring stage on the TopologyTestDriver, with the real model and the real schema registry: routing of
 * good events to scores and of every kind of bad input to the dead-letter topic with its reason code.
 */
@ExtendWith(SchemaRegistry.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScoringStageTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private ScoringEngine engine;
    private EncodedPairScorer scorer;
    private Settings settings;
    private AvroSerdes serdes;
    private TopologyTestDriver driver;
    @TempDir
    Path stateDir;
    private TestInputTopic<byte[], byte[]> generations;
    private TestInputTopic<String, ReferenceImage> references;
    private TestOutputTopic<String, QualityScore> scores;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeAll
    void openModel(SchemaRegistry.Server registry) {
        String topicSuffix = UUID.randomUUID().toString().substring(0, 8);
        settings = Settings.load(null, Map.of(
                "PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS", "unused:9092",
                "PERCEPTWATCH_REGISTRY_URL", registry.url(),
                "PERCEPTWATCH_SCORING_MODEL_PATH", SharedFiles.modelsDir().toString(),
                "PERCEPTWATCH_TOPICS_GENERATIONS", "generations-" + topicSuffix,
                "PERCEPTWATCH_TOPICS_REFERENCES", "references-" + topicSuffix,
                "PERCEPTWATCH_TOPICS_SCORES", "scores-" + topicSuffix,
                "PERCEPTWATCH_TOPICS_DEAD_LETTERS", "dead-letters-" + topicSuffix));
        engine = ScoringEngine.open(settings.scoring(), (pairs, nanos) -> { });
        scorer = new EncodedPairScorer(engine.scorer(), settings.imaging().limits(), settings.imaging().sizePolicy(), 2);
        serdes = PerceptWatchService.registrySerdes(settings.kafka());
    }

    @AfterAll
    void closeModel() {
        scorer.close();
        engine.close();
    }

    @BeforeEach
    void startDriver() {
        driver = driverFor(settings, serdes, stateDir);
        var topics = settings.kafka().topics();
        generations = driver.createInputTopic(topics.generations(), new ByteArraySerializer(), new ByteArraySerializer());
        references = driver.createInputTopic(topics.references(), new StringSerializer(),
                serdes.valueSerde(ReferenceImage.class).serializer());
        scores = driver.createOutputTopic(topics.scores(), new StringDeserializer(),
                serdes.valueSerde(QualityScore.class).deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters(), new StringDeserializer(),
                serdes.valueSerde(DeadLetter.class).deserializer());
    }

    private TopologyTestDriver driverFor(Settings settings, AvroSerdes serdes, Path stateDir) {
        EventScorer pipeline = new EventScoringPipeline(new ImageSourceResolver(new ImageFetcher(
                new UriPolicy(List.of(SharedFiles.sharedDir().resolve("images")), Set.of("images.example.com",
                        "127.0.0.1"), 1 << 20, Duration.ofSeconds(5))), settings.windows().maxFutureSkew(),
                Clock.systemUTC()),
                scorer, "lpips-alex", engine.modelSha256(), Clock.systemUTC());
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "scoring-stage-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        InternalErrors errors = new CountedErrors(serdes, settings.kafka().topics()).errors;
        errors.addTo(properties);
        return new TopologyTestDriver(PerceptWatchTopology.build(settings, serdes, pipeline, ScoringListener.NONE,
                DriftListener.NONE, errors, Clock.systemUTC()), properties, T0);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private byte[] avro(GenerationEvent event) {
        return serdes.valueSerde(GenerationEvent.class).serializer().serialize(settings.kafka().topics().generations(), event);
    }

    private void pipe(GenerationEvent event) {
        generations.pipeInput(event.getEventId().getBytes(StandardCharsets.UTF_8), avro(event), event.getProducedAt());
    }

    /** Scoring runs on other threads; the stage publishes what has finished when wall-clock time advances. */
    private void awaitOutputs(int expected) {
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

    private DeadLetter onlyDeadLetter(byte[] value) {
        generations.pipeInput(new org.apache.kafka.streams.test.TestRecord<>("k".getBytes(StandardCharsets.UTF_8),
                value, new RecordHeaders().add("trace", new byte[] {7}), T0));
        awaitOutputs(1);
        assertTrue(scores.isEmpty(), "no score for a bad record");
        DeadLetter letter = deadLetters.readValue();
        assertArrayEquals(value, bytes(letter.getOriginalValue()), "the dead letter keeps the original bytes");
        assertEquals("trace", letter.getOriginalHeaders().get(0).getKey());
        return letter;
    }

    private DeadLetter deadLetterFor(GenerationEvent event) {
        DeadLetter letter = onlyDeadLetter(avro(event));
        assertEquals(event.getEventId(), letter.getEventId());
        assertEquals(event.getModelId(), letter.getModelId());
        return letter;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Test
    void scoresAnInlinePairKeyedByModelAndVersionAtScoringTime() {
        pipe(TestEvents.exampleP0("e1", T0));
        awaitOutputs(1);
        var record = scores.readRecord();
        QualityScore score = record.value();
        // Expected LPIPS and feature distance: MODELS.md, "Example-image distances" (alex, ex_ref vs ex_p0).
        assertEquals(0.721881, score.getLpips(), 1e-5);
        assertEquals(4.826556, score.getFeatureDistance(), 1e-5);
        assertEquals("e1", score.getEventId());
        assertEquals(ModelKey.of("faces", "v7"), record.key());
        assertEquals(T0, score.getProducedAt());
        // Record time is when it was scored, not the event time: the topic's retention counts from scoring.
        assertEquals(score.getScoredAt(), record.getRecordTime());
        assertTrue(record.getRecordTime().isAfter(T0), record.getRecordTime().toString());
        assertEquals(64, score.getWidth());
        assertNull(score.getMsSsim(), "MS-SSIM is undefined at 64x64");
        assertEquals(engine.modelSha256(), score.getScorerSha256());
        assertEquals("portraits", score.getAttributes().get("prompt_set"));
        assertEquals(settings.kafka().topics().generations(), score.getSourceTopic(), "where the event was read");
        assertEquals(0, score.getSourcePartition());
        assertEquals(0L, score.getSourceOffset(), "the test's first input record");
        assertNull(score.getGeneratedUri(), "inline images have no uri");
        assertEquals(0, driver.<String, byte[]>getKeyValueStore(ScoringStage.PENDING_STORE).approximateNumEntries(),
                "nothing stays pending once published");
    }

    @Test
    void joinsReferencesByIdAndDeadLettersUnknownIds() {
        references.pipeInput("ref-1", TestEvents.reference("ref-1", SharedFiles.imageBytes("ex_ref.png")));
        pipe(TestEvents.event("e2", TestEvents.inline(SharedFiles.imageBytes("ex_p1.png")),
                TestEvents.referenceId("ref-1"), T0));
        awaitOutputs(1);
        QualityScore score = scores.readValue();
        // MODELS.md: LPIPS alex ex_ref vs ex_p1 = 0.137566.
        assertEquals(0.137566, score.getLpips(), 1e-5);
        assertEquals("ref-1", score.getReferenceId());

        DeadLetter missing = deadLetterFor(TestEvents.event("e3", TestEvents.inline(SharedFiles.imageBytes("ex_p1.png")),
                TestEvents.referenceId("nope"), T0));
        assertEquals("MISSING_REFERENCE", missing.getReason());
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    }

    @Test
    void aReferenceRepublishedAsBadBytesIsMissingNotTheOldImage() {
        references.pipeInput("ref-2", TestEvents.reference("ref-2", SharedFiles.imageBytes("ex_ref.png")));
        driver.createInputTopic(settings.kafka().topics().references(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput("ref-2", "not avro".getBytes(StandardCharsets.UTF_8));
        DeadLetter missing = deadLetterFor(TestEvents.event("e4", TestEvents.inline(SharedFiles.imageBytes("ex_p1.png")),
                TestEvents.referenceId("ref-2"), T0));
        assertEquals("MISSING_REFERENCE", missing.getReason());
    }

    @Test
    void aRegistryOutageStopsTheStageInsteadOfDeadLetteringGoodEvents(@TempDir Path outageStateDir) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(Map.of(
                "PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS", "unused:9092",
                "PERCEPTWATCH_REGISTRY_URL", "http://127.0.0.1:" + closedPort,
                "PERCEPTWATCH_SCORING_MODEL_PATH", SharedFiles.modelsDir().toString()));
        var topics = settings.kafka().topics();
        env.put("PERCEPTWATCH_TOPICS_GENERATIONS", topics.generations());
        env.put("PERCEPTWATCH_TOPICS_DEAD_LETTERS", topics.deadLetters());
        Settings unreachable = Settings.load(null, env);
        byte[] good = avro(TestEvents.event("e-outage", TestEvents.inline(SharedFiles.imageBytes("ex_p0.png")),
                TestEvents.inline(SharedFiles.imageBytes("ex_ref.png")), T0));
        try (TopologyTestDriver outage = driverFor(unreachable,
                PerceptWatchService.registrySerdes(unreachable.kafka()), outageStateDir)) {
            TestInputTopic<byte[], byte[]> input = outage.createInputTopic(topics.generations(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> letters = outage.createOutputTopic(topics.deadLetters(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            StreamsException failure = assertThrows(StreamsException.class,
                    () -> input.pipeInput("k".getBytes(StandardCharsets.UTF_8), good, T0));
            Throwable cause = failure;
            while (cause != null && !(cause instanceof SerializationException)) {
                cause = cause.getCause();
            }
            assertNotNull(cause, "the registry's failure is the cause: " + failure);
            assertFalse(cause instanceof BadRecordException, "an outage is not a bad record");
            assertTrue(letters.isEmpty(), "a good event is not dead-lettered because the registry is down");
        }
    }

    @Test
    void aSlowUriDoesNotHoldUpTheEventsBehindIt() throws Exception {
        byte[] ref = SharedFiles.imageBytes("ex_ref.png");
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/slow-ref.png", exchange -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, ref.length);
            exchange.getResponseBody().write(ref);
            exchange.close();
        });
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.start();
        try {
            pipe(TestEvents.event("slow", TestEvents.inline(SharedFiles.imageBytes("ex_p0.png")),
                    TestEvents.uri("http://127.0.0.1:" + server.getAddress().getPort() + "/slow-ref.png"), T0));
            pipe(TestEvents.exampleP0("fast", T0));
            awaitOutputs(1);
            assertEquals("fast", scores.readValue().getEventId(), "scored while the other event's image is fetched");
            release.countDown();
            awaitOutputs(1);
            QualityScore slow = scores.readValue();
            assertEquals("slow", slow.getEventId());
            // MODELS.md: LPIPS alex ex_ref vs ex_p0 = 0.721881, the reference read over HTTP.
            assertEquals(0.721881, slow.getLpips(), 1e-5);
            assertEquals("http://127.0.0.1:" + server.getAddress().getPort() + "/slow-ref.png", slow.getReferenceUri());
        } finally {
            release.countDown();
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    @Test
    void readsUrisUnderTheAllowedRootOnly() {
        String allowed = SharedFiles.image("ex_ref.png").toUri().toString();
        pipe(TestEvents.event("e4", TestEvents.inline(SharedFiles.imageBytes("ex_p0.png")), TestEvents.uri(allowed), T0));
        awaitOutputs(1);
        assertEquals(0.721881, scores.readValue().getLpips(), 1e-5);

        for (String forbidden : List.of("file:///etc/passwd", "http://169.254.169.254/latest/meta-data/")) {
            DeadLetter letter = deadLetterFor(TestEvents.event("e5", TestEvents.inline(SharedFiles.imageBytes("ex_p0.png")),
                    TestEvents.uri(forbidden), T0));
            assertEquals("URI_FORBIDDEN", letter.getReason(), forbidden);
        }
    }

    @Test
    void aDeadLetterIsTimedWhenItFailedAndKeepsTheEventTime() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        pipe(TestEvents.event("e-old", TestEvents.inline(SharedFiles.imageBytes("truncated.jpg")),
                TestEvents.inline(SharedFiles.imageBytes("ex_ref.png")), T0));
        awaitOutputs(1);
        var record = deadLetters.readRecord();
        assertEquals(T0, record.value().getProducedAt());
        assertEquals(record.value().getFailedAt(), record.getRecordTime(), "record time = failed_at");
        assertTrue(!record.getRecordTime().isBefore(before), "not the input's time, " + T0);
    }

    @Test
    void deadLettersRecordsThatAreNotRegistryAvro() {
        assertEquals("BAD_SCHEMA", onlyDeadLetter("not avro at all".getBytes(StandardCharsets.UTF_8)).getReason());
        byte[] unknownId = {0, 0, 0x0f, 0x42, 0x3f, 2, 4, 6};
        DeadLetter letter = onlyDeadLetter(unknownId);
        assertEquals("BAD_SCHEMA", letter.getReason());
        assertNull(letter.getEventId());
    }

    @Test
    void refusesAProducedAtFromTheFutureThatWouldMakeLaterEventsLate() {
        byte[] p0 = SharedFiles.imageBytes("ex_p0.png");
        byte[] ref = SharedFiles.imageBytes("ex_ref.png");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant inMicroseconds = Instant.ofEpochMilli(now.toEpochMilli() * 1000);
        for (Instant producedAt : List.of(now.plus(Duration.ofHours(1)), inMicroseconds, Instant.ofEpochMilli(-1))) {
            DeadLetter letter = deadLetterFor(TestEvents.event("e-time", TestEvents.inline(p0), TestEvents.inline(ref),
                    producedAt));
            assertEquals("BAD_EVENT", letter.getReason(), producedAt.toString());
            assertTrue(letter.getMessage().contains("produced_at " + producedAt), letter.getMessage());
        }
        pipe(TestEvents.event("e-skew", TestEvents.inline(p0), TestEvents.inline(ref), now.plus(Duration.ofMinutes(4))));
        awaitOutputs(1);
        assertEquals("e-skew", scores.readValue().getEventId(), "within windows.max-future-skew (5m by default)");
    }

    @Test
    void deadLettersBadImagesWithTheirReason() {
        byte[] ref = SharedFiles.imageBytes("ex_ref.png");
        assertEquals("UNDECODABLE_IMAGE", deadLetterFor(TestEvents.event("e6",
                TestEvents.inline(SharedFiles.imageBytes("truncated.jpg")), TestEvents.inline(ref), T0)).getReason());
        assertEquals("IMAGE_TOO_LARGE", deadLetterFor(TestEvents.event("e7",
                TestEvents.inline(PngHeaders.headerOnly(100_000, 100_000)), TestEvents.inline(ref), T0)).getReason());
        DeadLetter tiny = deadLetterFor(TestEvents.event("e7b", TestEvents.inline(PngHeaders.headerOnly(20, 20)),
                TestEvents.inline(ref), T0));
        assertEquals("IMAGE_TOO_SMALL", tiny.getReason(), "lpips-alex runs on 31 px and more: " + tiny.getMessage());
        DeadLetter mismatch = deadLetterFor(TestEvents.event("e8",
                TestEvents.inline(SharedFiles.imageBytes("chelsea.png")), TestEvents.inline(ref), T0));
        assertEquals("SIZE_MISMATCH", mismatch.getReason());
        assertTrue(mismatch.getMessage().contains("451x300"), mismatch.getMessage());
        assertEquals("BAD_EVENT", deadLetterFor(TestEvents.event("e9",
                TestEvents.referenceId("ref"), TestEvents.inline(ref), T0)).getReason());
        GenerationEvent joined = GenerationEvent.newBuilder(TestEvents.event("e10",
                TestEvents.inline(SharedFiles.imageBytes("ex_p0.png")), TestEvents.inline(ref), T0))
                .setModelVersion("v7" + ModelKey.SEPARATOR + "x").build();
        DeadLetter control = deadLetterFor(joined);
        assertEquals("BAD_EVENT", control.getReason(), "model/version keys are joined by a control character");
        assertTrue(control.getMessage().contains("model_version 'v7?x' contains a control character"),
                control.getMessage());
    }

    @Test
    void theStreamGoesOnAfterBadInputAndKeepsEveryEvent() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = "mixed-" + i;
            ids.add(id);
            if (i % 2 == 0) {
                pipe(TestEvents.exampleP0(id, T0.plusSeconds(i)));
            } else {
                pipe(TestEvents.event(id, TestEvents.inline(SharedFiles.imageBytes("truncated.jpg")),
                        TestEvents.inline(SharedFiles.imageBytes("ex_ref.png")), T0.plusSeconds(i)));
            }
        }
        awaitOutputs(6);
        List<String> seen = new ArrayList<>();
        scores.readValuesToList().forEach(s -> seen.add(s.getEventId()));
        deadLetters.readValuesToList().forEach(d -> seen.add(d.getEventId()));
        seen.sort(null);
        assertEquals(ids, seen);
        assertEquals(0, driver.<String, byte[]>getKeyValueStore(ScoringStage.PENDING_STORE).approximateNumEntries());
    }
}
