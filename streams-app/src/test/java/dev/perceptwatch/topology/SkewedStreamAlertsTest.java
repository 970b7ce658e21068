package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.client.InMemoryRegistryClient;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.QualityScore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped detectors on a stream shaped like real scores (docs/DETECTION.md): every metric of a pair driven by
 * one heavily skewed difficulty (log-normal, CV about 1.5, as LPIPS of real photo crops under mild distortions),
 * plus a 2% window-to-window traffic mix. A fixed relative rule ("p90 rose 20%") breaches on many such windows of
 * 120 events by sampling alone; the calibrated detectors judge every window against the spread the warm-up
 * measured, so the control version stays quiet for all its windows while the degraded one, whose windows get
 * 25% of their pairs seven times as hard from one minute on (the corpus's degraded pairs have about 7 times
 * the healthy LPIPS mean, docs/DETECTION.md), fires within two windows. Explicit event times,
 * seeded; only the warm-up is shortened (the detectors are calibrated for its length). LPIPS, judged on the log
 * scale, is what pages here: the other metrics are backstops for gross changes (DriftSettings).
 */
class SkewedStreamAlertsTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final int WARMUP = 30;
    private static final int JUDGED = 40;
    /** The first degraded minute of version "degraded": 25 judged clean windows before it. */
    private static final int DEGRADED_FROM = WARMUP + 25;
    private static final int EVENTS_PER_WINDOW = 120;

    @TempDir
    Path stateDir;

    private final Random random = new Random(17);
    private int eventCounter;

    @Test
    void aHealthySkewedStreamStaysQuietWhileADegradedOneFiresWithinTwoWindows() {
        Settings settings = StubScoredDriver.settings(Map.of(
                "PERCEPTWATCH_WINDOWS_SIZE", "1m",
                "PERCEPTWATCH_WINDOWS_GRACE", "30s",
                "PERCEPTWATCH_DRIFT_WARMUP_WINDOWS", String.valueOf(WARMUP)));
        AvroSerdes serdes = AvroSerdes.over(new InMemoryRegistryClient(), true);
        try (StubScoredDriver topology = new StubScoredDriver(settings, serdes, DriftListener.NONE,
                "skewed-stream-test", stateDir, T0)) {
            for (int minute = 0; minute < WARMUP + JUDGED; minute++) {
                for (String version : List.of("control", "degraded")) {
                    double mix = 1 + 0.02 * random.nextGaussian();
                    boolean degraded = version.equals("degraded") && minute >= DEGRADED_FROM;
                    Instant start = T0.plus(MINUTE.multipliedBy(minute));
                    for (int i = 0; i < EVENTS_PER_WINDOW; i++) {
                        double difficulty = mix * Math.exp(1.1 * random.nextGaussian())
                                * (degraded && i % 4 == 0 ? 7 : 1);
                        QualityScore score = score(version, difficulty, start.plusMillis(i * 490L));
                        topology.pipe(score);
                    }
                }
            }
            QualityScore last = score("control", 1, T0.plus(MINUTE.multipliedBy(WARMUP + JUDGED)).plusSeconds(31));
            topology.pipe(last);

            List<DriftAlert> raised = topology.alerts().readValuesToList();
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
