package dev.perceptwatch.topology;

import static dev.perceptwatch.topology.ScoringStageDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.client.BadRecordException;
import dev.perceptwatch.client.InMemoryRegistryClient;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.scoring.EncodedPairScorer.EncodedImages;
import dev.perceptwatch.scoring.PairScores;
import dev.perceptwatch.scoring.PerceptualScore;
import dev.perceptwatch.scoring.classic.ClassicScores;
import dev.perceptwatch.service.PerceptWatchService;
import dev.perceptwatch.testing.SharedFiles;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring stage's routing on the TopologyTestDriver, hermetic: the real Avro serde over an in-memory schema
 * registry, the service's event scorer (contract, reference join, uri policy, dead letters) over a stand-in for
 * the model that gives every pair the same scores, off the stream thread as the model does, and fails the pairs
 * whose generated image is {@link #UNSCORABLE}. The scores themselves and the decoder's reasons are checked with
 * the real model in {@link ScoringStageTest}.
 */
class ScoringStageRoutingTest {
    /** A truncated JPEG: the stand-in fails on it as the decoder would, with a failure the model's path maps. */
    private static final byte[] UNSCORABLE = SharedFiles.imageBytes("truncated.jpg");
    private static final String STUB_SHA256 = "0".repeat(64);

    @TempDir
    Path stateDir;
    private ScoringStageDriver stage;

    @BeforeEach
    void startDriver() {
        stage = new ScoringStageDriver(ScoringStageDriver.settings(Map.of()),
                AvroSerdes.over(new InMemoryRegistryClient(), true), stateDir, ScoringStageRoutingTest::fixedScores,
                STUB_SHA256);
    }

    @AfterEach
    void closeDriver() {
        stage.close();
    }

    private static CompletableFuture<PairScores> fixedScores(EncodedImages images) {
        return CompletableFuture.supplyAsync(() -> {
            if (Arrays.equals(images.generated(), UNSCORABLE)) {
                throw new IllegalStateException("the stand-in scorer cannot score " + images.generatedName());
            }
            return new PairScores(new PerceptualScore(0.5, 1.0, new double[] {0.5}, null, 64, 64),
                    new ClassicScores(null, null, null, null), 64, 64);
        });
    }

    @Test
    void aReferenceRepublishedAsBadBytesIsMissingNotTheOldImage() {
        stage.references.pipeInput("ref-2", TestEvents.reference("ref-2", SharedFiles.imageBytes("ex_ref.png")));
        stage.driver.createInputTopic(stage.settings.kafka().topics().references(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput("ref-2", "not avro".getBytes(StandardCharsets.UTF_8));
        DeadLetter missing = stage.deadLetterFor(TestEvents.event("e4", TestEvents.inline(SharedFiles.imageBytes("ex_p1.png")),
                TestEvents.referenceId("ref-2"), T0));
        assertEquals("MISSING_REFERENCE", missing.getReason());
    }

    @Test
    void aRegistryOutageStopsTheStageInsteadOfDeadLetteringGoodEvents(@TempDir Path outageStateDir) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var topics = stage.settings.kafka().topics();
        Settings unreachable = ScoringStageDriver.settings(Map.of(
                "PERCEPTWATCH_REGISTRY_URL", "http://127.0.0.1:" + closedPort,
                "PERCEPTWATCH_TOPICS_GENERATIONS", topics.generations(),
                "PERCEPTWATCH_TOPICS_DEAD_LETTERS", topics.deadLetters()));
        byte[] good = stage.avro(TestEvents.event("e-outage", TestEvents.inline(SharedFiles.imageBytes("ex_p0.png")),
                TestEvents.inline(SharedFiles.imageBytes("ex_ref.png")), T0));
        try (ScoringStageDriver outage = new ScoringStageDriver(unreachable,
                PerceptWatchService.registrySerdes(unreachable.kafka()), outageStateDir, ScoringStageRoutingTest::fixedScores,
                STUB_SHA256)) {
            StreamsException failure = assertThrows(StreamsException.class,
                    () -> outage.generations.pipeInput("k".getBytes(StandardCharsets.UTF_8), good, T0));
            Throwable cause = failure;
            while (cause != null && !(cause instanceof SerializationException)) {
                cause = cause.getCause();
            }
            assertNotNull(cause, "the registry's failure is the cause: " + failure);
            assertFalse(cause instanceof BadRecordException, "an outage is not a bad record");
            assertTrue(outage.deadLetters.isEmpty(), "a good event is not dead-lettered because the registry is down");
        }
    }

    @Test
    void aDeadLetterIsTimedWhenItFailedAndKeepsTheEventTime() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        stage.pipe(TestEvents.event("e-old", TestEvents.inline(UNSCORABLE),
                TestEvents.inline(SharedFiles.imageBytes("ex_ref.png")), T0));
        stage.awaitOutputs(1);
        var record = stage.deadLetters.readRecord();
        assertEquals("SCORING_FAILED", record.value().getReason(), "the scorer's own failure");
        assertEquals(T0, record.value().getProducedAt());
        assertEquals(record.value().getFailedAt(), record.getRecordTime(), "record time = failed_at");
        assertTrue(!record.getRecordTime().isBefore(before), "not the input's time, " + T0);
    }

    @Test
    void deadLettersRecordsThatAreNotRegistryAvro() {
        assertEquals("BAD_SCHEMA", stage.onlyDeadLetter("not avro at all".getBytes(StandardCharsets.UTF_8)).getReason());
        byte[] unknownId = {0, 0, 0x0f, 0x42, 0x3f, 2, 4, 6};
        DeadLetter letter = stage.onlyDeadLetter(unknownId);
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
            DeadLetter letter = stage.deadLetterFor(TestEvents.event("e-time", TestEvents.inline(p0), TestEvents.inline(ref),
                    producedAt));
            assertEquals("BAD_EVENT", letter.getReason(), producedAt.toString());
            assertTrue(letter.getMessage().contains("produced_at " + producedAt), letter.getMessage());
        }
        stage.pipe(TestEvents.event("e-skew", TestEvents.inline(p0), TestEvents.inline(ref), now.plus(Duration.ofMinutes(4))));
        stage.awaitOutputs(1);
        assertEquals("e-skew", stage.scores.readValue().getEventId(), "within windows.max-future-skew (5m by default)");
    }

    @Test
    void theStreamGoesOnAfterBadInputAndKeepsEveryEvent() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = "mixed-" + i;
            ids.add(id);
            if (i % 2 == 0) {
                stage.pipe(TestEvents.exampleP0(id, T0.plusSeconds(i)));
            } else {
                stage.pipe(TestEvents.event(id, TestEvents.inline(UNSCORABLE),
                        TestEvents.inline(SharedFiles.imageBytes("ex_ref.png")), T0.plusSeconds(i)));
            }
        }
        stage.awaitOutputs(6);
        List<String> seen = new ArrayList<>();
        stage.scores.readValuesToList().forEach(s -> seen.add(s.getEventId()));
        stage.deadLetters.readValuesToList().forEach(d -> seen.add(d.getEventId()));
        seen.sort(null);
        assertEquals(ids, seen);
        assertEquals(0, stage.pendingRecords());
    }
}
