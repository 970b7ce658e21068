package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.client.InMemoryRegistryClient;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.drift.DriftKey;
import dev.perceptwatch.drift.DriftState;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.MetricStats;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.Severity;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.events.WorstExample;
import dev.perceptwatch.observability.InternalError;
import dev.perceptwatch.observability.MetricSnapshots;
import dev.perceptwatch.observability.ServiceMetrics;
import dev.perceptwatch.service.MetricsDriftListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows and drift on the TopologyTestDriver with explicit event times: each score or dead letter is an event
 * piped into the generations topic, which a stub scorer answers with the score (or the refusal) the test
 * prepared for it ({@link StubScoredDriver}), so that windows get their input from the scoring stage as in the
 * service, through the real Avro serde over an in-memory schema registry (no registry process, no model).
 * Windows of 1 minute with 30 s grace; baselines freeze after
 * 10 windows; an alert fires after 1 breaching window and resolves after 2 clean ones, counted once the CUSUM
 * has cleared (about 2 windows after a shift ends, docs/DETECTION.md): 5 clean windows resolve an episode.
 */
class WindowDriftStagesTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final String APPLICATION_ID = "window-drift-test";
    /**
     * Warm-up windows: few enough for a quick test, enough that the calibration for the warm-up's length
     * (Student's t with 9 degrees of freedom) still lets a shift of 0.1 (40 standard errors) through.
     */
    private static final int WARMUP = 10;
    /** The minute after the warm-up: later minutes are counted from it. */
    private static final int LATER = WARMUP;

    @TempDir
    Path stateDir;

    private Settings settings;
    private AvroSerdes serdes;
    private StubScoredDriver topology;
    private TopologyTestDriver driver;
    private CountedErrors errors;
    private TestOutputTopic<String, WindowStats> windows;
    private TestOutputTopic<String, DriftAlert> alerts;
    private final Random random = new Random(42);
    private int eventCounter;

    @BeforeEach
    void start() {
        Map<String, String> env = new HashMap<>(Map.of(
                "PERCEPTWATCH_WINDOWS_SIZE", "1m",
                "PERCEPTWATCH_WINDOWS_GRACE", "30s",
                "PERCEPTWATCH_DRIFT_WARMUP_WINDOWS", String.valueOf(WARMUP),
                "PERCEPTWATCH_DRIFT_FIRE_AFTER_WINDOWS", "1",
                "PERCEPTWATCH_DRIFT_RESOLVE_AFTER_WINDOWS", "2",
                "PERCEPTWATCH_DRIFT_PINNED_BASELINES", "faces:v8=v7",
                "PERCEPTWATCH_DRIFT_REBASELINES", "faces:v10@" + T0.plus(MINUTE.multipliedBy(WARMUP + 2)),
                "PERCEPTWATCH_DRIFT_IDLE_AFTER", "5m"));
        // Ten warm-up windows are a short baseline: the detectors calibrated for it need z 5 to be a shift of 11
        // standard errors, and a CRITICAL z 10 one of about 1,700 (docs/DETECTION.md). These lifecycle tests
        // use shifts of 10 to 40 standard errors, so their thresholds are lower than the shipped ones.
        env.put("PERCEPTWATCH_DRIFT_LPIPS_EFFECT_SIZE_Z", "4");
        env.put("PERCEPTWATCH_DRIFT_LPIPS_CRITICAL_Z", "6");
        settings = StubScoredDriver.settings(env);
        serdes = AvroSerdes.over(new InMemoryRegistryClient(), true);
        startDriver(DriftListener.NONE);
    }

    private void startDriver(DriftListener driftListener) {
        // (A restart is tested on a real broker, DriftRestartTest: this driver wipes its state when closed.)
        topology = new StubScoredDriver(settings, serdes, driftListener, APPLICATION_ID, stateDir, T0);
        driver = topology.driver();
        errors = topology.errors();
        windows = topology.windows();
        alerts = topology.alerts();
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    private QualityScore score(String version, double lpips, Instant at) {
        int n = eventCounter++;
        return QualityScore.newBuilder()
                .setEventId("event-" + n)
                .setModelId("faces").setModelVersion(version)
                .setProducedAt(at).setScoredAt(at)
                .setLpips(lpips).setSsim(0.9).setWidth(64).setHeight(64)
                .setScorerModel("lpips-alex").setScorerSha256("0".repeat(64))
                .build();
    }

    private void pipe(QualityScore score) {
        topology.pipe(score);
    }

    /** 60 scores spread over minute {@code minute}, LPIPS around {@code mean} with a fixed seeded spread. */
    private void window(String version, int minute, double mean) {
        Instant start = T0.plus(MINUTE.multipliedBy(minute));
        for (int i = 0; i < 60; i++) {
            pipe(score(version, mean + 0.02 * random.nextGaussian(), start.plusSeconds(i)));
        }
    }

    /** An event far enough ahead that every window before {@code minute} is closed. */
    private void closeWindowsBefore(String version, int minute) {
        pipe(score(version, 0.2, T0.plus(MINUTE.multipliedBy(minute)).plusSeconds(31)));
    }

    private static MetricStats lpips(WindowStats stats) {
        return stats.getMetrics().stream().filter(m -> m.getMetric().equals("lpips")).findFirst().orElseThrow();
    }

    @Test
    void emitsEachWindowOnceWhenItClosesCountingLateEventsWithinTheGraceOnly() {
        pipe(score("v7", 0.10, T0.plusSeconds(10)));
        pipe(score("v7", 0.30, T0.plusSeconds(50)));
        pipe(score("v7", 0.20, T0.plusSeconds(5)));          // out of order, same window
        pipe(score("v7", 0.50, T0.plusSeconds(70)));         // next window: stream time 10:01:10
        pipe(score("v7", 0.40, T0.plusSeconds(30)));         // late, within the 30 s grace
        assertTrue(windows.isEmpty(), "nothing is emitted before the window closes");
        pipe(score("v7", 0.60, T0.plusSeconds(91)));         // stream time passes 10:01:00 + 30 s
        pipe(score("v7", 0.90, T0.plusSeconds(40)));         // too late: the window is closed
        List<WindowStats> emitted = windows.readValuesToList();
        assertEquals(1, emitted.size());
        WindowStats first = emitted.get(0);
        assertEquals(T0, first.getWindowStart());
        assertEquals(T0.plus(MINUTE), first.getWindowEnd());
        assertEquals(4, first.getCount());
        assertEquals(0.25, lpips(first).getMean(), 1e-12);
        assertEquals(0.10, lpips(first).getMin(), 1e-12);
        assertEquals(0.40, lpips(first).getMax(), 1e-12);
        assertEquals(List.of("event-4", "event-1"), first.getWorstEventIds().get("lpips").subList(0, 2));
    }

    @Test
    void countsDeadLettersAsErrorsInTheWindowOfTheirEventTime() {
        Instant failed = T0.plus(Duration.ofDays(30));
        pipeDeadLetter("faces", "v7", T0.plusSeconds(20), failed);
        pipe(score("v7", 0.10, T0.plusSeconds(10)));
        pipe(score("v7", 0.30, T0.plusSeconds(100)));   // closes the first window
        List<WindowStats> emitted = windows.readValuesToList();
        assertEquals(1, emitted.size());
        assertEquals(T0, emitted.get(0).getWindowStart());
        assertEquals(1, emitted.get(0).getCount());
        assertEquals(1, emitted.get(0).getErrors(), "dead-lettered a month later, counted at its produced_at");
    }

    private void pipeDeadLetter(String modelId, String modelVersion, Instant producedAt, Instant failedAt) {
        topology.pipeRefused(modelId, modelVersion, producedAt, failedAt);
    }

    /**
     * Issue 23, 1 and 3: a dead letter of an event refused for its produced_at (30 minutes, ten years ahead)
     * carried that time into the windows: the suppression took it as stream time and published every later
     * update of the model's windows at once, with partial counts (and a broker refuses the repartition record
     * of one more than an hour ahead). Such a letter now belongs to no window.
     */
    @Test
    void aDeadLetterWhoseEventTimeFailedValidationMovesNoWindow() {
        pipe(score("v7", 0.10, T0.plusSeconds(10)));
        pipeDeadLetter("faces", "v7", T0.plus(Duration.ofMinutes(30)), T0.plusSeconds(11));
        pipeDeadLetter("faces", "v7", T0.plus(Duration.ofDays(3650)), T0.plusSeconds(12));
        pipeDeadLetter("faces", "v7", Instant.ofEpochMilli(T0.toEpochMilli() * 1000), T0.plusSeconds(13));
        pipe(score("v7", 0.30, T0.plusSeconds(20)));
        pipe(score("v7", 0.50, T0.plusSeconds(70)));
        assertTrue(windows.isEmpty(), "no window closed: stream time is 10:01:10");
        pipe(score("v7", 0.20, T0.plusSeconds(100)));   // closes the first window
        List<WindowStats> emitted = windows.readValuesToList();
        assertEquals(1, emitted.size(), "each window once");
        assertEquals(T0, emitted.get(0).getWindowStart());
        assertEquals(2, emitted.get(0).getCount());
        assertEquals(0, emitted.get(0).getErrors(), "a letter without a valid event time counts in no window");
    }

    /** Issue 23, 2: a blank model_id or model_version made the metrics throw when its window closed. */
    @Test
    void deadLettersWhoseIdsBreakTheContractAreInNoWindowAndStopNothing() {
        topology.close();
        ServiceMetrics metrics = new ServiceMetrics(settings.observability().maxModelSeries());
        startDriver(new MetricsDriftListener(metrics));
        pipeDeadLetter("", "v7", T0.plusSeconds(5), T0.plusSeconds(5));
        pipeDeadLetter("   ", "v7", T0.plusSeconds(6), T0.plusSeconds(6));
        pipeDeadLetter("faces", " ", T0.plusSeconds(7), T0.plusSeconds(7));
        pipeDeadLetter("faces", "v" + "7".repeat(300), T0.plusSeconds(8), T0.plusSeconds(8));
        pipeDeadLetter("faces", "v7", T0.plusSeconds(9), T0.plusSeconds(9));
        pipe(score("v7", 0.10, T0.plusSeconds(10)));
        pipe(score("v7", 0.30, T0.plusSeconds(100)));   // closes the first window
        List<WindowStats> emitted = windows.readValuesToList();
        assertEquals(1, emitted.size(), "only faces/v7's window");
        assertEquals("faces", emitted.get(0).getModelId());
        assertEquals(1, emitted.get(0).getErrors(), "the one letter with valid ids");
        assertEquals(0, errors.count(InternalError.OBSERVABILITY));
    }

    /** Issue 23: observability can never stop a stream thread. */
    @Test
    void aListenerThatThrowsStopsNoWindowAndNoAlert() {
        topology.close();
        startDriver(new DriftListener() {
            @Override
            public void onRestored(DriftKey key, DriftState state) {
                throw new IllegalStateException("injected");
            }

            @Override
            public void onWindow(WindowStats window, DriftState state) {
                throw new IllegalStateException("injected");
            }

            @Override
            public void onAlert(DriftAlert alert) {
                throw new IllegalStateException("injected");
            }

            @Override
            public void onClosed(java.util.Collection<DriftKey> keys) {
                throw new IllegalStateException("injected");
            }

            @Override
            public void onRetired(java.util.Collection<DriftKey> keys) {
                throw new IllegalStateException("injected");
            }
        });
        for (int minute = 0; minute < WARMUP; minute++) {
            window("v7", minute, 0.20);
        }
        window("v7", WARMUP, 0.30);
        closeWindowsBefore("v7", LATER + 1);
        assertEquals(WARMUP + 1, windows.readValuesToList().size());
        assertEquals(AlertState.FIRING, alerts.readValue().getState());
        assertEquals(WARMUP + 2, errors.count(InternalError.OBSERVABILITY), "every window and the alert, counted");
    }

    /**
     * The guard for the next poison pill: a record that makes a processor throw is dead-lettered as
     * INTERNAL_ERROR and the stream goes on. Here a scorer bug, a NaN LPIPS, makes the window stage throw.
     */
    @Test
    void aRecordThatMakesAProcessorThrowIsDeadLetteredAsInternalError() {
        TestOutputTopic<String, DeadLetter> deadLetters = topology.output(settings.kafka().topics().deadLetters(),
                DeadLetter.class);
        QualityScore broken = score("v7", Double.NaN, T0.plusSeconds(15));
        pipe(broken);
        pipe(score("v7", 0.10, T0.plusSeconds(10)));
        pipe(score("v7", 0.30, T0.plusSeconds(100)));   // closes both windows of minute 0
        pipe(score("v7", 0.30, T0.plusSeconds(200)));   // and the next one: the stream went on
        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertEquals(1, letters.size());
        DeadLetter letter = letters.get(0);
        assertEquals("INTERNAL_ERROR", letter.getReason());
        assertTrue(letter.getMessage().contains("IllegalArgumentException: event " + broken.getEventId()
                + ": lpips is NaN"), letter.getMessage());
        assertEquals(APPLICATION_ID + "-" + WindowStage.INPUT_TOPIC + "-repartition", letter.getSourceTopic());
        assertEquals(1, errors.count(InternalError.PROCESSING));
        List<WindowStats> emitted = windows.readValuesToList();
        assertEquals(List.of(T0, T0.plus(MINUTE)), emitted.stream().map(WindowStats::getWindowStart).toList());
        assertEquals(1, emitted.get(0).getCount());
    }

    /**
     * A record on the window input that is not a QualityScore at all (written there by someone else: only the
     * service should): dead-lettered with its bytes, skipped.
     */
    @Test
    void anUnreadableRecordOnTheWindowInputIsDeadLetteredAndSkipped() {
        TestOutputTopic<String, DeadLetter> deadLetters = topology.output(settings.kafka().topics().deadLetters(),
                DeadLetter.class);
        driver.createInputTopic(APPLICATION_ID + "-" + WindowStage.INPUT_TOPIC + "-repartition", new StringSerializer(),
                new StringSerializer()).pipeInput(ModelKey.of("faces", "v7"), "not avro", T0.plusSeconds(1));
        pipe(score("v7", 0.10, T0.plusSeconds(10)));
        pipe(score("v7", 0.30, T0.plusSeconds(100)));
        DeadLetter letter = deadLetters.readValue();
        assertEquals("INTERNAL_ERROR", letter.getReason());
        assertEquals("not avro", java.nio.charset.StandardCharsets.UTF_8.decode(letter.getOriginalValue()).toString());
        assertEquals(1, errors.count(InternalError.DESERIALIZATION));
        assertEquals(1, windows.readValue().getCount());
    }

    @Test
    void windowsScoresByTheirEventTimeNotTheTimeTheyWereScored() {
        // A replay of an old hour, scored a month later: the score records carry the scoring time.
        Instant scored = T0.plus(Duration.ofDays(30));
        QualityScore old = score("v7", 0.10, T0.plusSeconds(10));
        old.setScoredAt(scored);
        QualityScore next = score("v7", 0.30, T0.plusSeconds(100));   // closes the first window
        next.setScoredAt(scored.plusSeconds(1));
        pipe(old);
        pipe(next);
        List<WindowStats> emitted = windows.readValuesToList();
        assertEquals(1, emitted.size());
        assertEquals(T0, emitted.get(0).getWindowStart());
        assertEquals(1, emitted.get(0).getCount());
        assertEquals(0.10, lpips(emitted.get(0)).getMean(), 1e-12);
    }

    @Test
    void firesOnceWhenQualityDriftsAndResolvesAfterCleanWindows() {
        for (int minute = 0; minute < WARMUP; minute++) {
            window("v7", minute, 0.20);
        }
        window("v7", WARMUP, 0.30);
        closeWindowsBefore("v7", LATER + 1);
        List<DriftAlert> fired = alerts.readValuesToList();
        assertEquals(1, fired.size(), "one alert for the lpips shift");
        DriftAlert alert = fired.get(0);
        assertEquals(AlertState.FIRING, alert.getState());
        assertEquals("lpips", alert.getMetric());
        assertEquals("v7", alert.getModelVersion());
        assertEquals(0.20, alert.getBaselineMean(), 0.01);
        assertEquals(0.30, alert.getObserved().getMean(), 0.01);
        assertEquals(5, alert.getWorstEventIds().size());
        assertTrue(alert.getSummary().contains("faces") && alert.getSummary().contains("lpips"), alert.getSummary());

        window("v7", LATER + 1, 0.30);
        for (int minute = LATER + 2; minute < LATER + 7; minute++) {
            window("v7", minute, 0.20);
        }
        closeWindowsBefore("v7", LATER + 7);
        List<DriftAlert> later = alerts.readValuesToList();
        assertEquals(1, later.size(), "no second FIRING in the same episode, then one RESOLVED");
        assertEquals(AlertState.RESOLVED, later.get(0).getState());
        assertEquals(alert.getAlertId(), later.get(0).getAlertId());
    }

    @Test
    void windowsAndAlertsSayWhereTheirWorstEventsImagesAre() {
        for (int minute = 0; minute < WARMUP; minute++) {
            window("v7", minute, 0.20);
        }
        window("v7", WARMUP, 0.30);
        closeWindowsBefore("v7", LATER + 1);
        List<WindowStats> emitted = windows.readValuesToList();
        WindowStats drifted = emitted.get(emitted.size() - 1);
        for (String metric : List.of("lpips", "ssim")) {
            List<WorstExample> examples = drifted.getWorstExamples().get(metric);
            assertEquals(drifted.getWorstEventIds().get(metric), examples.stream().map(WorstExample::getEventId).toList());
            for (WorstExample example : examples) {
                assertEquals(settings.kafka().topics().generations(), example.getSourceTopic());
                assertEquals(0, (int) example.getSourcePartition());
                assertEquals(topology.offset(example.getEventId()), example.getSourceOffset());
            }
        }
        DriftAlert alert = alerts.readValue();
        assertEquals("lpips", alert.getMetric());
        assertEquals(drifted.getWorstExamples().get("lpips"), alert.getWorstExamples());
        assertEquals(lpips(drifted).getMax(), alert.getWorstExamples().get(0).getValue(), 0,
                "the worst example's value is the window's worst");
    }

    /**
     * The driver restarted to report to {@code metrics}, a baseline warmed up on LPIPS 0.20, and the FIRING
     * alert of one window at {@code shifted}.
     */
    private DriftAlert firedAfterWarmup(ServiceMetrics metrics, double shifted) {
        topology.close();
        startDriver(new MetricsDriftListener(metrics));
        for (int minute = 0; minute < WARMUP; minute++) {
            window("v7", minute, 0.20);
        }
        window("v7", WARMUP, shifted);
        closeWindowsBefore("v7", LATER + 1);
        DriftAlert fired = alerts.readValue();
        assertEquals(AlertState.FIRING, fired.getState());
        return fired;
    }

    @Test
    void closingTheTaskTakesItsDriftSeriesOffThisInstancesMetrics() {
        ServiceMetrics metrics = new ServiceMetrics(settings.observability().maxModelSeries());
        DriftAlert fired = firedAfterWarmup(metrics, 0.30);
        assertEquals(Severity.CRITICAL, fired.getSeverity(), "+50% is past LPIPS's critical relative change");
        assertEquals(Map.of("lpips", 2.0, "ssim", 0.0), driftStates(metrics),
                "the metrics with a baseline; 2: the open episode fired as CRITICAL");

        // A restart (or the new owner after a rebalance) reports the stored state: the lifecycle keeps the
        // episode's severity, so the restored gauge still says critical.
        assertEquals(Map.of("lpips", 2.0, "ssim", 0.0), driftStatesAfterRestart());

        // As when the task moves to another instance: from then on that instance reports the model, and a
        // FIRING left behind here would keep the alert rule firing after it resolves there.
        topology.close();
        assertEquals(Map.of(), driftStates(metrics));
        startDriver(DriftListener.NONE);
    }

    @Test
    void aDriftFiredAsWarningExportsStateOneAlsoAfterARestart() {
        ServiceMetrics metrics = new ServiceMetrics(settings.observability().maxModelSeries());
        DriftAlert fired = firedAfterWarmup(metrics, 0.225);
        assertEquals(Severity.WARNING, fired.getSeverity(), "+12% is below LPIPS's critical relative change");
        assertEquals(Map.of("lpips", 1.0, "ssim", 0.0), driftStates(metrics));
        assertEquals(Map.of("lpips", 1.0, "ssim", 0.0), driftStatesAfterRestart());
    }

    /** What a restarted instance exports from the stored drift state of faces/v7 (as DriftProcessor.init). */
    private Map<String, Double> driftStatesAfterRestart() {
        byte[] stored;
        try (var all = driver.<String, byte[]>getKeyValueStore(DriftStage.DRIFT_STORE).all()) {
            stored = all.next().value;
        }
        ServiceMetrics restarted = new ServiceMetrics(settings.observability().maxModelSeries());
        new MetricsDriftListener(restarted).onRestored(new DriftKey("faces", "v7", null), DriftState.fromBytes(stored));
        return driftStates(restarted);
    }

    private static Map<String, Double> driftStates(ServiceMetrics metrics) {
        return MetricSnapshots.gauge(metrics, "perceptwatch_drift_state", "metric");
    }

    @Test
    void anOscillatingMetricFiresOnceAndDoesNotFlap() {
        for (int minute = 0; minute < WARMUP; minute++) {
            window("v7", minute, 0.20);
        }
        for (int minute = WARMUP; minute < LATER + 8; minute++) {
            window("v7", minute, minute % 2 == 1 ? 0.30 : 0.20);
        }
        closeWindowsBefore("v7", LATER + 8);
        List<DriftAlert> all = alerts.readValuesToList();
        assertEquals(1, all.size(), "bad and good windows alternating: one FIRING, never resolved in between");
        assertEquals(AlertState.FIRING, all.get(0).getState());
    }

    @Test
    void aPinnedVersionIsJudgedAgainstTheOtherVersionsBaselineWithoutWarmingUp() {
        for (int minute = 0; minute < WARMUP; minute++) {
            window("v7", minute, 0.20);
        }
        closeWindowsBefore("v7", WARMUP);
        window("v8", LATER + 1, 0.30);
        closeWindowsBefore("v8", LATER + 2);
        List<DriftAlert> fired = alerts.readValuesToList();
        assertEquals(1, fired.size());
        assertEquals("v8", fired.get(0).getModelVersion());
        assertEquals(0.20, fired.get(0).getBaselineMean(), 0.01, "v7's baseline");
    }

    @Test
    void aPinnedVersionKeepsItsDetectorHistoryFromWindowToWindow() {
        for (int minute = 0; minute < WARMUP; minute++) {
            window("v7", minute, 0.20);
        }
        closeWindowsBefore("v7", WARMUP);
        // +7%: about 5.4 standard errors of a window mean, calibrated for ten warm-up windows z 3.4, under
        // effect-size's z of 4 in any one window, so only the detectors that add windows up (two-window, CUSUM)
        // can see it. These scores have no MS-SSIM, so that metric never gets a baseline: the pin must not be
        // applied again every window for its sake.
        for (int minute = LATER + 1; minute < LATER + 7; minute++) {
            window("v8", minute, 0.214);
        }
        closeWindowsBefore("v8", LATER + 7);
        List<DriftAlert> fired = alerts.readValuesToList();
        assertEquals(1, fired.size(), "one FIRING for the persistent shift: " + fired);
        assertEquals(AlertState.FIRING, fired.get(0).getState());
        assertNotEquals("effect-size", fired.get(0).getDetector(), "a detector that adds windows up");
        assertEquals(0.20, fired.get(0).getBaselineMean(), 0.01, "v7's baseline");
    }

    @Test
    void aRebaselineResolvesTheOpenEpisodeAndLearnsTheNewLevel() {
        for (int minute = 0; minute < WARMUP; minute++) {
            window("v10", minute, 0.20);
        }
        window("v10", WARMUP, 0.30);
        window("v10", LATER + 1, 0.30);
        closeWindowsBefore("v10", LATER + 2);
        DriftAlert firing = alerts.readValue();
        assertEquals(AlertState.FIRING, firing.getState());

        // drift.rebaselines faces:v10@minute 5: the intended new look is accepted from that window on.
        for (int minute = LATER + 2; minute < LATER + 2 + WARMUP; minute++) {
            window("v10", minute, 0.30);
        }
        closeWindowsBefore("v10", LATER + 2 + WARMUP);
        List<DriftAlert> after = alerts.readValuesToList();
        assertEquals(1, after.size(), "only the episode's RESOLVED, no new FIRING at the new level: " + after);
        DriftAlert resolved = after.get(0);
        assertEquals(AlertState.RESOLVED, resolved.getState());
        assertEquals(firing.getAlertId(), resolved.getAlertId());
        assertEquals(T0.plus(MINUTE.multipliedBy(WARMUP + 2)), resolved.getWindowStart(), "at the first window from then on");
        assertTrue(Double.isNaN(resolved.getStatistic()), "no detector judged that window");
        assertTrue(resolved.getSummary().contains("re-baselined"), resolved.getSummary());

        window("v10", LATER + 2 + WARMUP, 0.45);
        closeWindowsBefore("v10", LATER + 3 + WARMUP);
        DriftAlert next = alerts.readValue();
        assertEquals(AlertState.FIRING, next.getState(), "judged against the new baseline");
        assertEquals(0.30, next.getBaselineMean(), 0.01);
    }

    @Test
    void aFiringVersionThatStopsProducingResolvesOnceIdle() {
        for (int minute = 0; minute < WARMUP; minute++) {
            window("v7", minute, 0.20);
        }
        window("v7", WARMUP, 0.30);
        closeWindowsBefore("v7", LATER + 1);
        DriftAlert firing = alerts.readValue();
        assertEquals(AlertState.FIRING, firing.getState());

        // v7 is retired; v11 of the same model keeps the task's stream time moving.
        for (int minute = LATER + 1; minute < LATER + 5; minute++) {
            window("v11", minute, 0.20);
        }
        closeWindowsBefore("v11", LATER + 5);
        assertTrue(alerts.isEmpty(), "4 quiet minutes are under drift.idle-after (5m)");
        window("v11", LATER + 5, 0.20);
        window("v11", LATER + 6, 0.20);
        closeWindowsBefore("v11", LATER + 7);
        List<DriftAlert> later = alerts.readValuesToList();
        assertEquals(1, later.size(), later.toString());
        DriftAlert resolved = later.get(0);
        assertEquals(AlertState.RESOLVED, resolved.getState());
        assertEquals("v7", resolved.getModelVersion());
        assertEquals(firing.getAlertId(), resolved.getAlertId());
        // v7's last window is minute 4, holding the one score that closed minute 3.
        assertEquals(T0.plus(MINUTE.multipliedBy(WARMUP + 2)), resolved.getWindowStart(), "from v7's last window end");
        assertTrue(resolved.getSummary().contains("no windows since"), resolved.getSummary());
    }

    /**
     * Issue 19: a version idle for drift.idle-after is retired (its series free their place under the cap,
     * ServiceMetricsTest), once.
     */
    @Test
    void anIdleVersionIsRetiredOnce() {
        topology.close();
        List<String> retired = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        startDriver(new DriftListener() {
            @Override
            public void onClosed(java.util.Collection<DriftKey> keys) {
                keys.forEach(key -> closed.add(key.modelVersion()));
            }

            @Override
            public void onRetired(java.util.Collection<DriftKey> keys) {
                keys.forEach(key -> retired.add(key.modelVersion()));
            }
        });
        for (int minute = 0; minute <= WARMUP; minute++) {   // warmed up and judged: never-judged keys stay
            window("v7", minute, 0.20);
        }
        closeWindowsBefore("v7", LATER + 1);
        for (int minute = LATER + 1; minute < LATER + 10; minute++) {
            window("v11", minute, 0.20);
        }
        closeWindowsBefore("v11", LATER + 10);
        assertEquals(List.of("v7"), retired, "v7 after 5 quiet minutes, once; v11 is not idle");
        assertEquals(List.of(), closed, "retiring is not closing: the task is still here");
    }

    @Test
    void aNewUnpinnedVersionWarmsUpOnItsOwn() {
        for (int minute = 0; minute < WARMUP; minute++) {
            window("v7", minute, 0.20);
        }
        for (int minute = WARMUP; minute < 2 * WARMUP; minute++) {
            window("v9", minute, 0.30);
        }
        window("v9", 2 * WARMUP, 0.30);
        closeWindowsBefore("v9", 2 * WARMUP + 1);
        assertTrue(alerts.isEmpty(), "v9 is its own baseline: steady at 0.30, no drift");
        window("v9", 2 * WARMUP + 1, 0.45);
        closeWindowsBefore("v9", 2 * WARMUP + 2);
        DriftAlert alert = alerts.readValue();
        assertNotNull(alert);
        assertEquals(0.30, alert.getBaselineMean(), 0.01);
    }
}
