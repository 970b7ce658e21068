package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.ingest.RejectedEventException;
import dev.perceptwatch.testing.SchemaRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped detectors on a stream shaped like real scores (docs/DETECTION.md): every metric of a pair driven by
 * one heavily skewed difficulty (log-normal, CV about 1.5, as LPIPS of real photo crops under mild distortions),
 * plus a 2% window-to-window traffic mix. A fixed relative rule ("p90 rose 20%") breaches on many such windows of
 * 60 events by sampling alone; the calibrated detectors judge every window against the spread the warm-up
 * measured, so the control version stays quiet for all its windows while the degraded one, whose windows get
 * 25% of their pairs seven times as hard from one minute on (the corpus's degraded pairs have about 7 times
 * the healthy LPIPS mean, docs/DETECTION.md), fires within two windows. Explicit event times,
 * seeded; only the warm-up is shortened (the detectors are calibrated for its length).
 */
@ExtendWith(SchemaRegistry.class)
class SkewedStreamAlertsTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final int WARMUP = 30;
    private static final int JUDGED = 40;
    /** The first degraded minute of version "degraded": 25 judged clean windows before it. */
    private static final int DEGRADED_FROM = WARMUP + 25;
    private static final int EVENTS_PER_WINDOW = 60;

    @TempDir
    Path stateDir;

    private final Random random = new Random(17);
    private int eventCounter;

    @Test
    void aHealthySkewedStreamStaysQuietWhileADegradedOneFiresWithinTwoWindows(SchemaRegistry.Server registry) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new HashMap<>(Map.of(
                "PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS", "unused:9092",
                "PERCEPTWATCH_REGISTRY_URL", registry.url(),
                "PERCEPTWATCH_WINDOWS_SIZE", "1m",
                "PERCEPTWATCH_WINDOWS_GRACE", "30s",
                "PERCEPTWATCH_DRIFT_WARMUP_WINDOWS", String.valueOf(WARMUP)));
        for (String topic : List.of("generations", "references", "scores", "dead-letters", "window-stats", "alerts")) {
            env.put("PERCEPTWATCH_TOPICS_" + topic.toUpperCase().replace('-', '_'), topic + "-" + suffix);
        }
        Settings settings = Settings.load(null, env);
        AvroSerdes serdes = PerceptWatchService.registrySerdes(settings.kafka());
        EventScorer noScoring = (event, references) -> {
            throw new RejectedEventException(RejectReason.SCORING_FAILED, "no generation events in this test");
        };
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "skewed-stream-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        CountedErrors errors = new CountedErrors(serdes, settings.kafka().topics());
        errors.errors.addTo(properties);
        try (TopologyTestDriver driver = new TopologyTestDriver(PerceptWatchTopology.build(settings, serdes,
                noScoring, ScoringListener.NONE, DriftListener.NONE, errors.errors, Clock.systemUTC()), properties,
                T0)) {
            TestInputTopic<String, QualityScore> scores = driver.createInputTopic(settings.kafka().topics().scores(),
                    new StringSerializer(), serdes.valueSerde(QualityScore.class).serializer());
            TestOutputTopic<String, DriftAlert> alerts = driver.createOutputTopic(
                    settings.kafka().topics().alerts(), new StringDeserializer(),
                    serdes.valueSerde(DriftAlert.class).deserializer());
            for (int minute = 0; minute < WARMUP + JUDGED; minute++) {
                for (String version : List.of("control", "degraded")) {
                    double mix = 1 + 0.02 * random.nextGaussian();
                    boolean degraded = version.equals("degraded") && minute >= DEGRADED_FROM;
                    Instant start = T0.plus(MINUTE.multipliedBy(minute));
                    for (int i = 0; i < EVENTS_PER_WINDOW; i++) {
                        double difficulty = mix * Math.exp(1.1 * random.nextGaussian())
                                * (degraded && i % 4 == 0 ? 7 : 1);
                        QualityScore score = score(version, difficulty, start.plusMillis(i * 980L));
                        scores.pipeInput(ModelKey.of("faces", version), score, score.getProducedAt());
                    }
                }
            }
            QualityScore last = score("control", 1, T0.plus(MINUTE.multipliedBy(WARMUP + JUDGED)).plusSeconds(31));
            scores.pipeInput(ModelKey.of("faces", "control"), last, last.getProducedAt());

            List<DriftAlert> raised = alerts.readValuesToList();
            assertTrue(raised.stream().noneMatch(a -> a.getModelVersion().equals("control")),
                    () -> "the control version raised " + raised);
            List<DriftAlert> degradedFirings = raised.stream()
                    .filter(a -> a.getModelVersion().equals("degraded") && a.getState() == AlertState.FIRING)
                    .toList();
            assertTrue(!degradedFirings.isEmpty(), "the degraded version fired");
            long firstFiringMinute = degradedFirings.stream()
                    .mapToLong(a -> Duration.between(T0, a.getWindowStart()).toMinutes()).min().orElseThrow();
            assertTrue(firstFiringMinute >= DEGRADED_FROM && firstFiringMinute < DEGRADED_FROM + 2,
                    "first FIRING in window " + firstFiringMinute + ", the degradation starts in " + DEGRADED_FROM);
            assertEquals(0, raised.stream().filter(a -> a.getModelVersion().equals("degraded")
                    && Duration.between(T0, a.getWindowStart()).toMinutes() < DEGRADED_FROM).count(),
                    "no alert of the degraded version before it degrades");
        }
    }

    /** Every metric from one difficulty: distances grow with it, similarities fall, PSNR follows MSE. */
    private QualityScore score(String version, double difficulty, Instant at) {
        int n = eventCounter++;
        double mse = 20 * difficulty;
        return QualityScore.newBuilder()
                .setEventId("event-" + n)
                .setSourceTopic("generations").setSourcePartition(n % 6).setSourceOffset((long) n)
                .setModelId("faces").setModelVersion(version)
                .setProducedAt(at).setScoredAt(at)
                .setLpips(Math.min(0.02 * difficulty, 2.0))
                .setFeatureDistance(0.1 * difficulty)
                .setMse(mse)
                .setPsnr(10 * Math.log10(255.0 * 255.0 / mse))
                .setSsim(1 - Math.min(0.01 * difficulty, 0.9))
                .setWidth(64).setHeight(64)
                .setScorerModel("lpips-alex").setScorerSha256("0".repeat(64))
                .build();
    }
}
