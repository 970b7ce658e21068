package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.imaging.Distortions;
import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.scoring.EncodedPairScorer;
import dev.perceptwatch.scoring.EncodedPairScorer.EncodedImages;
import dev.perceptwatch.scoring.PairScores;
import dev.perceptwatch.scoring.ScoringEngine;
import dev.perceptwatch.service.PerceptWatchService;
import dev.perceptwatch.testing.KafkaBroker;
import dev.perceptwatch.testing.PngHeaders;
import dev.perceptwatch.testing.SchemaRegistry;
import dev.perceptwatch.testing.SharedFiles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service in this JVM against a real broker and the real schema registry: events in, scores and
 * dead letters out, read back as a consumer with read_committed sees them.
 */
@ExtendWith({KafkaBroker.Extension.class, SchemaRegistry.class})
class PipelineIntegrationTest {
    private static final Duration RESULTS_TIMEOUT = Duration.ofSeconds(120);
    private static final Instant T0 = TestEvents.RECENT;
    /** A few float32 ulps (2^-23 relative each). */
    private static final double FLOAT32_RELATIVE = 1e-6;
    private static final double DOUBLE_RELATIVE = 1e-9;

    @TempDir
    Path dir;

    private KafkaBroker kafka;
    private Settings settings;
    private AvroSerdes serdes;
    private PipelineTopics topics;
    private PipelineInput input;
    private PipelineOutputs outputs;
    private PerceptWatchService service;

    @BeforeEach
    void createTopics(KafkaBroker kafka, SchemaRegistry.Server registry) throws Exception {
        this.kafka = kafka;
        topics = PipelineTopics.create(kafka.admin(), "pipeline");
        settings = ServiceConfig.load(ServiceConfig.write(dir, kafka.bootstrapServers(), registry.url(), topics,
                Map.of()));
        serdes = PerceptWatchService.registrySerdes(settings.kafka());
        input = new PipelineInput(kafka.bootstrapServers(), serdes, topics, Map.of());
        outputs = new PipelineOutputs(kafka.bootstrapServers(), serdes, topics);
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        input.close();
        outputs.close();
    }

    /** References first: the service reads the references topic to its end before it consumes events. */
    private void startService() {
        service = PerceptWatchService.start(settings);
    }

    @Test
    void scoresInlineAndReferencedImagesAsTheOfflineScorerDoes() throws Exception {
        byte[] ref = SharedFiles.imageBytes("ex_ref.png");
        byte[] p0 = SharedFiles.imageBytes("ex_p0.png");
        byte[] p1 = SharedFiles.imageBytes("ex_p1.png");
        byte[] camera = SharedFiles.imageBytes("camera.png");
        // 512x512, so that MS-SSIM is defined too.
        byte[] blurredCamera = ImageEncoder.png(Distortions.gaussianBlur(
                ImageDecoder.decode(camera, "camera.png", settings.imaging().limits()), 1.5));
        input.reference(TestEvents.reference("ref-ex", ref));
        input.reference(TestEvents.reference("ref-camera", camera));
        startService();

        Map<String, byte[][]> pairs = new LinkedHashMap<>();
        pairs.put("inline-p0", new byte[][] {p0, ref});
        pairs.put("inline-p1", new byte[][] {p1, ref});
        pairs.put("referenced-p0", new byte[][] {p0, ref});
        pairs.put("referenced-p1", new byte[][] {p1, ref});
        pairs.put("referenced-camera", new byte[][] {blurredCamera, camera});
        Map<String, String> referenceIds = Map.of("referenced-p0", "ref-ex", "referenced-p1", "ref-ex",
                "referenced-camera", "ref-camera");
        for (Map.Entry<String, byte[][]> pair : pairs.entrySet()) {
            String id = pair.getKey();
            ImageSource reference = referenceIds.containsKey(id)
                    ? TestEvents.referenceId(referenceIds.get(id)) : TestEvents.inline(pair.getValue()[1]);
            input.send(TestEvents.event(id, TestEvents.inline(pair.getValue()[0]), reference, T0));
        }
        input.flush();

        assertTrue(outputs.awaitResults(pairs.keySet(), RESULTS_TIMEOUT), () -> "results " + outputs.counts());
        outputs.assertExactlyOnce(pairs.keySet());
        assertEquals(List.of(), outputs.deadLetters());
        Map<String, QualityScore> scores = outputs.scores().stream()
                .collect(Collectors.toMap(QualityScore::getEventId, Function.identity()));

        try (ScoringEngine engine = ScoringEngine.open(settings.scoring(), (count, nanos) -> { });
             EncodedPairScorer offline = new EncodedPairScorer(engine, settings.imaging().limits(),
                     settings.imaging().sizePolicy(), 1)) {
            for (Map.Entry<String, byte[][]> pair : pairs.entrySet()) {
                PairScores expected = offline.score(new EncodedImages(pair.getValue()[0], "generated",
                        pair.getValue()[1], "reference"), false).get();
                QualityScore actual = scores.get(pair.getKey());
                assertSameScores(pair.getKey(), expected, actual);
                assertEquals(referenceIds.get(pair.getKey()), actual.getReferenceId());
                assertEquals(engine.modelSha256(), actual.getScorerSha256());
                assertEquals(T0, actual.getProducedAt());
            }
        }
        // MODELS.md, "Example-image distances": LPIPS alex of ex_p0 against ex_ref.
        assertEquals(0.721881, scores.get("inline-p0").getLpips(), 1e-5);
        assertNotNull(scores.get("referenced-camera").getMsSsim(), "MS-SSIM at 512x512");
    }

    /**
     * The stream runs the offline scorer's code on the same bytes, so the classic metrics (double arithmetic in
     * Java) are equal. The perceptual ones come out of ONNX Runtime in float32, and a pair's result depends in
     * its last bit on the batch it was scored in (the stream batches events together, the offline call here
     * scores one pair): equal to float32 precision.
     */
    private static void assertSameScores(String id, PairScores expected, QualityScore actual) {
        assertClose(id + " lpips", expected.lpips(), actual.getLpips(), FLOAT32_RELATIVE);
        assertClose(id + " feature_distance", expected.featureDistance(), actual.getFeatureDistance(),
                FLOAT32_RELATIVE);
        assertClose(id + " mse", expected.classic().mse(), actual.getMse(), DOUBLE_RELATIVE);
        assertClose(id + " psnr", expected.classic().psnr(), actual.getPsnr(), DOUBLE_RELATIVE);
        assertClose(id + " ssim", expected.classic().ssim(), actual.getSsim(), DOUBLE_RELATIVE);
        assertClose(id + " ms_ssim", expected.classic().msSsim(), actual.getMsSsim(), DOUBLE_RELATIVE);
        assertEquals(expected.width(), actual.getWidth(), id + " width");
        assertEquals(expected.height(), actual.getHeight(), id + " height");
    }

    private static void assertClose(String what, Double expected, Double actual, double relative) {
        if (expected == null) {
            assertNull(actual, what);
        } else {
            assertNotNull(actual, what);
            assertEquals(expected, actual, relative * Math.max(1, Math.abs(expected)), what);
        }
    }

    private record BadInput(String id, byte[] value, String reason) {
    }

    @Test
    void deadLettersEveryKindOfBadInputAndScoresTheEventsAfterIt() throws Exception {
        byte[] ref = SharedFiles.imageBytes("ex_ref.png");
        byte[] p0 = SharedFiles.imageBytes("ex_p0.png");
        input.reference(TestEvents.reference("ref-ex", ref));
        startService();

        List<BadInput> bad = List.of(
                new BadInput("not-avro", "not avro at all".getBytes(StandardCharsets.UTF_8), "BAD_SCHEMA"),
                // The registry wire format with schema id 999999, which the registry does not have.
                new BadInput("unknown-schema-id", new byte[] {0, 0, 0x0f, 0x42, 0x3f, 2, 4, 6}, "BAD_SCHEMA"),
                bad("missing-reference", TestEvents.inline(p0), TestEvents.referenceId("no-such-reference"),
                        "MISSING_REFERENCE"),
                bad("truncated-jpeg", TestEvents.inline(SharedFiles.imageBytes("truncated.jpg")),
                        TestEvents.inline(ref), "UNDECODABLE_IMAGE"),
                bad("huge-header", TestEvents.inline(PngHeaders.headerOnly(100_000, 100_000)),
                        TestEvents.inline(ref), "IMAGE_TOO_LARGE"),
                bad("size-mismatch", TestEvents.inline(SharedFiles.imageBytes("chelsea.png")),
                        TestEvents.inline(ref), "SIZE_MISMATCH"),
                bad("file-uri", TestEvents.inline(p0), TestEvents.uri("file:///etc/passwd"), "URI_FORBIDDEN"),
                bad("metadata-uri", TestEvents.inline(p0), TestEvents.uri("http://169.254.169.254/latest/meta-data/"),
                        "URI_FORBIDDEN"));
        for (BadInput input : bad) {
            this.input.sendRaw(input.id(), input.value());
        }
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = "after-" + i;
            good.add(id);
            input.send(TestEvents.event(id, TestEvents.inline(p0), TestEvents.referenceId("ref-ex"), T0));
        }
        input.flush();
        List<String> all = new ArrayList<>(good);
        bad.forEach(input -> all.add(input.id()));

        assertTrue(outputs.awaitResults(all, RESULTS_TIMEOUT), () -> "results " + outputs.counts());
        outputs.assertExactlyOnce(all);
        assertEquals(good.stream().sorted().toList(),
                outputs.scores().stream().map(QualityScore::getEventId).sorted().toList(), "scored");
        Map<String, DeadLetter> letters = outputs.deadLetters().stream()
                .collect(Collectors.toMap(PipelineOutputs::eventIdOf, Function.identity()));
        for (BadInput input : bad) {
            DeadLetter letter = letters.get(input.id());
            assertEquals(input.reason(), letter.getReason(), input.id() + ": " + letter.getMessage());
            assertArrayEquals(input.value(), bytes(letter.getOriginalValue()), input.id() + ": the original bytes");
            assertEquals(topics.generations(), letter.getSourceTopic());
            assertTrue(letter.getMessage() != null && !letter.getMessage().isBlank(), input.id());
        }
        assertNull(letters.get("not-avro").getEventId(), "no event id in bytes that are not an event");
        assertEquals("missing-reference", letters.get("missing-reference").getEventId());
        assertTrue(letters.get("missing-reference").getMessage().contains("no-such-reference"),
                letters.get("missing-reference").getMessage());
        assertTrue(letters.get("size-mismatch").getMessage().contains("451x300"),
                letters.get("size-mismatch").getMessage());
        assertEquals(KafkaStreams.State.RUNNING, service.state(), "bad input does not stop the service");
    }

    private BadInput bad(String id, ImageSource generated, ImageSource reference, String reason) {
        GenerationEvent event = TestEvents.event(id, generated, reference, T0);
        return new BadInput(id, input.avro(event), reason);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
