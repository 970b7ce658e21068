package dev.perceptwatch.topology;

import static dev.perceptwatch.topology.ScoringStageDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.perceptwatch.client.InMemoryRegistryClient;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.scoring.EncodedPairScorer;
import dev.perceptwatch.scoring.ScoringEngine;
import dev.perceptwatch.testing.PngHeaders;
import dev.perceptwatch.testing.SharedFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring stage on the TopologyTestDriver with the real model: the scores it publishes and the decoder's
 * and the model's reasons for refusing a pair. The real Avro serde runs over an in-memory schema registry
 * (the registry itself and its outages are tested against a real one); routing alone is
 * {@link ScoringStageRoutingTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScoringStageTest {
    private ScoringEngine engine;
    private EncodedPairScorer scorer;
    private Settings settings;
    @TempDir
    Path stateDir;
    private ScoringStageDriver stage;

    @BeforeAll
    void openModel() {
        settings = ScoringStageDriver.settings(Map.of());
        engine = ScoringEngine.open(settings.scoring(), (pairs, nanos) -> { });
        scorer = new EncodedPairScorer(engine, settings.imaging().limits(), settings.imaging().sizePolicy(), 2);
    }

    @AfterAll
    void closeModel() {
        scorer.close();
        engine.close();
    }

    @BeforeEach
    void startDriver() {
        stage = new ScoringStageDriver(settings, AvroSerdes.over(new InMemoryRegistryClient(), true), stateDir,
                images -> scorer.score(images, false), engine.modelSha256());
    }

    @AfterEach
    void closeDriver() {
        stage.close();
    }

    @Test
    void scoresAnInlinePairKeyedByModelAndVersionAtScoringTime() {
        stage.pipe(TestEvents.exampleP0("e1", T0));
        stage.awaitOutputs(1);
        var record = stage.scores.readRecord();
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
        assertEquals(stage.settings.kafka().topics().generations(), score.getSourceTopic(), "where the event was read");
        assertEquals(0, score.getSourcePartition());
        assertEquals(0L, score.getSourceOffset(), "the test's first input record");
        assertNull(score.getGeneratedUri(), "inline images have no uri");
        assertEquals(0, stage.pendingRecords(),
                "nothing stays pending once published");
    }

    @Test
    void joinsReferencesByIdAndDeadLettersUnknownIds() {
        stage.references.pipeInput("ref-1", TestEvents.reference("ref-1", SharedFiles.imageBytes("ex_ref.png")));
        stage.pipe(TestEvents.event("e2", TestEvents.inline(SharedFiles.imageBytes("ex_p1.png")),
                TestEvents.referenceId("ref-1"), T0));
        stage.awaitOutputs(1);
        QualityScore score = stage.scores.readValue();
        // MODELS.md: LPIPS alex ex_ref vs ex_p1 = 0.137566.
        assertEquals(0.137566, score.getLpips(), 1e-5);
        assertEquals("ref-1", score.getReferenceId());

        DeadLetter missing = stage.deadLetterFor(TestEvents.event("e3", TestEvents.inline(SharedFiles.imageBytes("ex_p1.png")),
                TestEvents.referenceId("nope"), T0));
        assertEquals("MISSING_REFERENCE", missing.getReason());
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
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
            stage.pipe(TestEvents.event("slow", TestEvents.inline(SharedFiles.imageBytes("ex_p0.png")),
                    TestEvents.uri("http://127.0.0.1:" + server.getAddress().getPort() + "/slow-ref.png"), T0));
            stage.pipe(TestEvents.exampleP0("fast", T0));
            stage.awaitOutputs(1);
            assertEquals("fast", stage.scores.readValue().getEventId(), "scored while the other event's image is fetched");
            release.countDown();
            stage.awaitOutputs(1);
            QualityScore slow = stage.scores.readValue();
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
        stage.pipe(TestEvents.event("e4", TestEvents.inline(SharedFiles.imageBytes("ex_p0.png")), TestEvents.uri(allowed), T0));
        stage.awaitOutputs(1);
        assertEquals(0.721881, stage.scores.readValue().getLpips(), 1e-5);

        for (String forbidden : List.of("file:///etc/passwd", "http://169.254.169.254/latest/meta-data/")) {
            DeadLetter letter = stage.deadLetterFor(TestEvents.event("e5", TestEvents.inline(SharedFiles.imageBytes("ex_p0.png")),
                    TestEvents.uri(forbidden), T0));
            assertEquals("URI_FORBIDDEN", letter.getReason(), forbidden);
        }
    }

    @Test
    void deadLettersBadImagesWithTheirReason() {
        byte[] ref = SharedFiles.imageBytes("ex_ref.png");
        assertEquals("UNDECODABLE_IMAGE", stage.deadLetterFor(TestEvents.event("e6",
                TestEvents.inline(SharedFiles.imageBytes("truncated.jpg")), TestEvents.inline(ref), T0)).getReason());
        assertEquals("IMAGE_TOO_LARGE", stage.deadLetterFor(TestEvents.event("e7",
                TestEvents.inline(PngHeaders.headerOnly(100_000, 100_000)), TestEvents.inline(ref), T0)).getReason());
        DeadLetter tiny = stage.deadLetterFor(TestEvents.event("e7b", TestEvents.inline(PngHeaders.headerOnly(20, 20)),
                TestEvents.inline(ref), T0));
        assertEquals("IMAGE_TOO_SMALL", tiny.getReason(), "lpips-alex runs on 31 px and more: " + tiny.getMessage());
        DeadLetter mismatch = stage.deadLetterFor(TestEvents.event("e8",
                TestEvents.inline(SharedFiles.imageBytes("chelsea.png")), TestEvents.inline(ref), T0));
        assertEquals("SIZE_MISMATCH", mismatch.getReason());
        assertTrue(mismatch.getMessage().contains("451x300"), mismatch.getMessage());
        assertEquals("BAD_EVENT", stage.deadLetterFor(TestEvents.event("e9",
                TestEvents.referenceId("ref"), TestEvents.inline(ref), T0)).getReason());
        GenerationEvent joined = GenerationEvent.newBuilder(TestEvents.event("e10",
                TestEvents.inline(SharedFiles.imageBytes("ex_p0.png")), TestEvents.inline(ref), T0))
                .setModelVersion("v7" + ModelKey.SEPARATOR + "x").build();
        DeadLetter control = stage.deadLetterFor(joined);
        assertEquals("BAD_EVENT", control.getReason(), "model/version keys are joined by a control character");
        assertTrue(control.getMessage().contains("model_version 'v7?x' contains a control character"),
                control.getMessage());
    }
}
