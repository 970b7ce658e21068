package dev.perceptwatch.drift;

import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.aggregation.MetricSummary;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriftEngineTest {

    private static final DriftKey KEY = new DriftKey("X", "v7", null);

    /** Defaults with explicit lifecycle numbers and the given LPIPS/SSIM knobs, so tests do not move with tuning. */
    private static DriftSettings settings(int warmup, int k, int m, Set<DetectorKind> detectors) {
        Map<Metric, MetricDriftSettings> metrics = new HashMap<>();
        for (Metric metric : Metric.values()) {
            MetricDriftSettings base = metric.higherIsWorse() ? DetectorsTest.UP : DetectorsTest.DOWN;
            metrics.put(metric, base.withDetectors(detectors));
        }
        return new DriftSettings(warmup, k, m, 50, metrics);
    }

    private static ClosedWindow window(int index, MetricSummary... metrics) {
        return new ClosedWindow(index * 60_000L, (index + 1) * 60_000L, List.of(metrics),
                Map.of("lpips", List.of("worst-" + index, "second-" + index)));
    }

    private static MetricSummary lpips(long n, double mean, double std, double p90) {
        return new MetricSummary("lpips", n, mean, std, 0, 1, mean, p90, p90);
    }

    private static DriftState frozen(Baseline... baselines) {
        Map<String, MetricDriftState> metrics = new HashMap<>();
        for (Baseline b : baselines) {
            metrics.put(b.metric(), MetricDriftState.NEW.withBaseline(b));
        }
        return new DriftState(metrics, null);
    }

    @Test
    void warmUpPoolsTheFirstNWindowsThenFreezes() {
        DriftEngine engine = new DriftEngine(settings(3, 1, 1, MetricDriftSettings.DEFAULT_DETECTORS));
        DriftState state = DriftState.EMPTY;
        List<MetricSummary> warmup = List.of(lpips(100, 0.2, 0.05, 0.27), lpips(100, 0.22, 0.05, 0.29),
                lpips(200, 0.19, 0.04, 0.25));
        for (int i = 0; i < warmup.size(); i++) {
            assertNull(state.baseline("lpips"), "still warming up before window " + i);
            DriftStep step = engine.onWindowClosed(KEY, window(i, warmup.get(i)), state);
            assertEquals(List.of(), step.alerts());
            state = step.state();
        }
        Baseline baseline = state.baseline("lpips");
        // Worked by hand: pooled mean (20 + 22 + 38) / 400 = 0.2; pooled variance
        // (100 (0.0025 + 0) + 100 (0.0025 + 0.0004) + 200 (0.0016 + 0.0001)) / 400 = 0.0022;
        // p90 (0.27 + 0.29 + 0.25) / 3 = 0.27; window means 0.2, 0.22, 0.19 have sample variance 2.3333e-4,
        // sampling explains (0.0025/100 + 0.0025/100 + 0.0016/200) / 3 = 1.9333e-5, leaving 2.14e-4.
        assertEquals(0.2, baseline.mean(), 1e-12);
        assertEquals(Math.sqrt(0.0022), baseline.std(), 1e-12);
        assertEquals(0.27, baseline.p90(), 1e-12);
        assertEquals(Math.sqrt(2.14e-4), baseline.betweenWindowStd(), 1e-9);
        assertEquals(3, baseline.windows());
        assertEquals(400, baseline.count());
        assertEquals("warm-up", baseline.source());

        // Frozen: a later window, however bad, does not move the baseline.
        DriftStep after = engine.onWindowClosed(KEY, window(3, lpips(100, 0.5, 0.05, 0.6)), state);
        assertEquals(baseline, after.state().baseline("lpips"));
        assertEquals(1, after.alerts().size());
    }

    @Test
    void aPinnedVersionIsJudgedAgainstTheOtherVersionsBaselineWithoutWarmUp() {
        DriftEngine engine = new DriftEngine(settings(30, 1, 1, MetricDriftSettings.DEFAULT_DETECTORS));
        DriftState v6 = frozen(new Baseline("lpips", 0.2, 0.08, 0.31, 0, 30, 6000, "warm-up", null, 0));
        DriftState v7 = DriftState.EMPTY.pinnedTo(v6, "v6");
        assertEquals("v6", v7.baseline("lpips").source());
        assertEquals(0.2, v7.baseline("lpips").mean(), 0);

        DriftStep step = engine.onWindowClosed(KEY, window(0, lpips(200, 0.26, 0.08, 0.33)), v7);
        assertEquals(1, step.alerts().size());
        assertEquals(AlertState.FIRING, step.alerts().get(0).state());
    }

    @Test
    void pinningAgainLeavesAnAdoptedBaselineAndItsCusumAlone() {
        DriftEngine engine = new DriftEngine(settings(30, 3, 1, MetricDriftSettings.DEFAULT_DETECTORS));
        DriftState v6 = frozen(new Baseline("lpips", 0.2, 0.08, 0.31, 0, 30, 6000, "warm-up", null, 0));
        DriftState v7 = engine.onWindowClosed(KEY, window(0, lpips(200, 0.215, 0.08, 0.32)),
                DriftState.EMPTY.pinnedTo(v6, "v6")).state();
        assertTrue(v7.metrics().get("lpips").cusum().sum() > 0, "a shift of 2.7 standard errors adds to the CUSUM");

        DriftState v6Rebaselined = frozen(new Baseline("lpips", 0.3, 0.08, 0.41, 0, 30, 6000, "warm-up", null, 0));
        assertEquals(v7, v7.pinnedTo(v6Rebaselined, "v6"), "a metric with a baseline keeps it, and its history");
    }

    @Test
    void aRebaselineAppliesOnceFromItsInstantAndResolvesTheOpenEpisode() {
        DriftEngine engine = new DriftEngine(settings(30, 1, 3, MetricDriftSettings.DEFAULT_DETECTORS));
        DriftState firing = engine.onWindowClosed(KEY, window(0, lpips(200, 0.3, 0.08, 0.4)),
                frozen(new Baseline("lpips", 0.2, 0.08, 0.31, 0, 30, 6000, "warm-up", null, 0))).state();
        assertTrue(firing.firing("lpips"));
        Instant from = Instant.ofEpochMilli(2 * 60_000L);

        DriftStep early = engine.rebaselineIfDue(KEY, window(1, lpips(200, 0.3, 0.08, 0.4)), firing, from);
        assertEquals(firing, early.state(), "a window that starts before the instant is judged as before");
        assertTrue(early.alerts().isEmpty());

        DriftStep due = engine.rebaselineIfDue(KEY, window(2, lpips(200, 0.3, 0.08, 0.4)), firing, from);
        assertNull(due.state().baseline("lpips"), "warming up again");
        assertEquals(from.toEpochMilli(), due.state().rebaselinedFrom());
        assertEquals(1, due.alerts().size());
        AlertDecision resolved = due.alerts().get(0);
        assertEquals(AlertState.RESOLVED, resolved.state());
        assertEquals(firing.metrics().get("lpips").lifecycle().alertId(), resolved.alertId());
        assertEquals(0.2, resolved.baselineMean(), 0, "the baseline the episode was judged against");

        DriftState warming = engine.onWindowClosed(KEY, window(2, lpips(200, 0.3, 0.08, 0.4)), due.state()).state();
        DriftStep again = engine.rebaselineIfDue(KEY, window(3, lpips(200, 0.3, 0.08, 0.4)), warming, from);
        assertEquals(warming, again.state(), "the same instant applies once, also after a restart");
        assertEquals(warming, DriftState.fromBytes(warming.toBytes()));
        assertEquals(warming, engine.rebaselineIfDue(KEY, window(3, lpips(200, 0.3, 0.08, 0.4)), warming, null).state());
    }

    @Test
    void aKeyWithoutWindowsForIdleAfterIsResolvedAndNotRestored() {
        DriftEngine engine = new DriftEngine(settings(30, 1, 3, MetricDriftSettings.DEFAULT_DETECTORS));
        Duration idleAfter = Duration.ofMinutes(5);
        Baseline baseline = new Baseline("lpips", 0.2, 0.08, 0.31, 0, 30, 6000, "warm-up", null, 0);
        DriftState retired = engine.onWindowClosed(KEY, window(0, lpips(200, 0.3, 0.08, 0.4)), frozen(baseline))
                .state();   // judged on window 0, ending at minute 1, and firing
        DriftState live = engine.onWindowClosed(KEY, window(9, lpips(200, 0.2, 0.08, 0.31)), frozen(baseline))
                .state();   // ends at minute 10
        assertTrue(retired.firing("lpips"));
        assertFalse(engine.idle(retired, 5 * 60_000L, idleAfter), "4 quiet minutes");
        assertTrue(engine.idle(retired, 6 * 60_000L, idleAfter), "5 quiet minutes");
        assertFalse(engine.idle(DriftState.EMPTY, Long.MAX_VALUE, idleAfter), "never judged: never idle");

        DriftStep quiet = engine.resolveIdle(KEY, retired, 6 * 60_000L, idleAfter);
        assertEquals(1, quiet.alerts().size());
        AlertDecision resolved = quiet.alerts().get(0);
        assertEquals(AlertState.RESOLVED, resolved.state());
        assertEquals(List.of(60_000L, 6 * 60_000L), List.of(resolved.windowStart(), resolved.windowEnd()),
                "from the last window's end to stream time");
        assertTrue(resolved.summary().contains("no windows since"), resolved.summary());
        assertFalse(quiet.state().firing("lpips"));
        assertEquals(baseline, quiet.state().baseline("lpips"), "the baseline stays for the version's return");
        assertTrue(engine.resolveIdle(KEY, quiet.state(), 7 * 60_000L, idleAfter).alerts().isEmpty(), "once");

        assertEquals(Map.of("live", live), engine.notIdle(Map.of("retired", retired, "live", live), idleAfter),
                "after a restart the newest window end (minute 10) stands in for stream time");
        assertEquals(Map.of("warming", DriftState.EMPTY), engine.notIdle(Map.of("warming", DriftState.EMPTY),
                idleAfter));
    }

    @Test
    void firingAndResolvedCarryOneEpisodeIdAndPlainSentences() {
        DriftEngine engine = new DriftEngine(settings(30, 3, 2, Set.of(DetectorKind.EFFECT_SIZE)));
        DriftState state = frozen(new Baseline("lpips", 0.21, 0.08, 0.31, 0, 30, 6000, "warm-up", null, 0));
        List<AlertDecision> alerts = new ArrayList<>();
        double[] means = {0.25, 0.25, 0.25, 0.25, 0.21, 0.21};
        for (int i = 0; i < means.length; i++) {
            DriftStep step = engine.onWindowClosed(KEY, window(i, lpips(200, means[i], 0.08, 0.33)), state);
            alerts.addAll(step.alerts());
            state = step.state();
        }
        assertEquals(2, alerts.size());
        AlertDecision firing = alerts.get(0);
        AlertDecision resolved = alerts.get(1);
        assertEquals(AlertState.FIRING, firing.state());
        assertEquals(2 * 60_000L, firing.windowStart(), "third breaching window");
        // (0.25 - 0.21) / 0.21 = 19% < 20% critical.
        assertEquals("lpips mean for model X v7 rose 19% over baseline (0.21 -> 0.25) for 3 windows",
                firing.summary());
        assertEquals(Severity.WARNING, firing.severity());
        assertEquals("effect-size", firing.detector());
        assertEquals("X/v7/lpips/120000", firing.alertId());
        // (0.25 - 0.21) / (0.08 / sqrt(200)) = 7.0711 standard errors of one window, 6.9561 of the difference
        // from a 30-window baseline (x 1 / sqrt(1 + 1/30)); Student's t with 29 degrees of freedom, as a
        // standard normal deviate: 5.2932 (scipy: norm.isf(t.sf(6.9561, 29))).
        assertEquals(5.2932, firing.statistic(), 1e-4);
        assertEquals(3.0, firing.threshold(), 0);
        assertEquals(List.of("worst-2", "second-2"), firing.worstEventIds());

        assertEquals(AlertState.RESOLVED, resolved.state());
        assertEquals(firing.alertId(), resolved.alertId());
        assertEquals(5 * 60_000L, resolved.windowStart());
        assertEquals("lpips mean for model X v7 is back near baseline (0.21, baseline 0.21); resolved after 4 windows",
                resolved.summary());

        DriftAlert avro = firing.toAvro();
        assertEquals(firing.alertId(), avro.getAlertId());
        assertEquals(0.25, avro.getObserved().getMean(), 0);
        assertEquals(0.21, avro.getBaselineMean(), 0);
    }

    @Test
    void aShareOfMuchWorseOutputsFiresTheMeanSquareAndTheAlertSaysItsRoot() {
        Map<Metric, MetricDriftSettings> metrics = new HashMap<>(settings(30, 1, 1,
                MetricDriftSettings.DEFAULT_DETECTORS).metrics());
        metrics.put(Metric.LPIPS, DetectorsTest.UP.withLogScale(true));
        DriftEngine engine = new DriftEngine(new DriftSettings(30, 1, 1, 50, metrics));
        // Healthy windows: mean 0.04, p90 0.09, mean square without the worst 0.004; logs spread 0.1 at n = 200.
        DriftState state = frozen(new Baseline("lpips", 0.04, 0.05, 0.09, 0, 30, 6000, "warm-up", 0.01, 200,
                Math.log(0.04), 0.1, Math.log(0.09), 0.1, Math.log(0.004), 0.1));
        // 180 healthy pairs (mean 0.04, mean square 0.0041) and 20 at 0.25: mean 0.061, mean square 0.00994,
        // population variance 0.00994 - 0.061^2 = 0.006219, worst 0.4; without it (200 * 0.00994 - 0.16) / 199
        // = 0.0091859, whose root 0.0958 is 51.5% over the baseline's sqrt(0.004) = 0.0632. Its log is
        // ln(0.0091859 / 0.004) / (0.1 * sqrt(1 + 1/30)) = 8.18 standard errors off, the mean's 4.15: the
        // mean-square detector is the furthest past its threshold.
        MetricSummary share = new MetricSummary("lpips", 200, 0.061, Math.sqrt(0.006219), 0, 0.4, 0.04, 0.09, 0.3);
        DriftStep step = engine.onWindowClosed(KEY, window(0, share), state);

        assertEquals(1, step.alerts().size(), step.alerts().toString());
        AlertDecision alert = step.alerts().get(0);
        assertEquals("mean-square", alert.detector());
        assertEquals(Severity.CRITICAL, alert.severity(), "51% over and far past noise");
        assertEquals("lpips root mean square (worst pair left out) for model X v7 rose 52% over baseline"
                + " (0.0632 -> 0.0958) for 1 window", alert.summary());
        assertTrue(alert.statistic() > 5 && alert.statistic() < 8.18, "calibrated for 30 warm-up windows: "
                + alert.statistic());
    }

    @Test
    void aDownIsWorseMetricInASegmentFallsBelowBaselineAndBigShiftsAreCritical() {
        DriftEngine engine = new DriftEngine(settings(30, 3, 2, MetricDriftSettings.DEFAULT_DETECTORS));
        DriftState state = frozen(new Baseline("ssim", 0.85, 0.06, 0.95, 0, 30, 6000, "warm-up", null, 0));
        DriftKey segment = new DriftKey("X", "v7", "portrait");
        // (0.85 - 0.8) / 0.85 = 5.9% >= 5% critical: fires at once although k = 3.
        MetricSummary ssim = new MetricSummary("ssim", 200, 0.80, 0.06, 0.2, 1, 0.81, 0.93, 0.97);
        DriftStep step = engine.onWindowClosed(segment, window(0, ssim), state);
        assertEquals(1, step.alerts().size());
        AlertDecision alert = step.alerts().get(0);
        assertEquals(Severity.CRITICAL, alert.severity());
        assertEquals("portrait", alert.segment());
        assertEquals("ssim mean for model X v7 (segment portrait) fell 6% below baseline (0.85 -> 0.8) for 1 window",
                alert.summary());
    }

    @Test
    void twoWindowFiresOnTheSecondOfTwoModerateWindowsAndNotAcrossAGap() {
        DriftEngine engine = new DriftEngine(settings(30, 1, 1, Set.of(DetectorKind.TWO_WINDOW)));
        DriftState baseline = frozen(new Baseline("lpips", 0.2, 0.08, 0.31, 0, 30, 6000, "warm-up", null, 0));
        // +2 SE per window: the sum 4 SE against its standard error SE sqrt(2 + 4/30) (both windows share the
        // 30-window baseline's own error) is t = 2.7386, with 29 degrees of freedom z = 2.5610 (scipy:
        // norm.isf(t.sf(2.7386, 29))) >= 2.5 on the second adjacent window, through the bytes.
        MetricSummary shifted = lpips(200, 0.2 + 2 * 0.08 / Math.sqrt(200), 0.08, 0.32);
        DriftStep first = engine.onWindowClosed(KEY, window(5, shifted), baseline);
        assertEquals(List.of(), first.alerts());
        DriftStep second = engine.onWindowClosed(KEY, window(6, shifted), DriftState.fromBytes(first.state().toBytes()));
        assertEquals(1, second.alerts().size());
        assertEquals("two-window", second.alerts().get(0).detector());
        assertEquals(2.5610, second.alerts().get(0).statistic(), 1e-4);
        // The same two windows with a window without scores between them are not pooled.
        DriftStep afterGap = engine.onWindowClosed(KEY, window(7, shifted), first.state());
        assertEquals(List.of(), afterGap.alerts());
    }

    @Test
    void stateWrittenBeforeTheTwoWindowDetectorStillReads() {
        DriftState state = frozen(new Baseline("lpips", 0.2, 0.08, 0.31, 0, 30, 6000, "warm-up", null, 0));
        String json = new String(state.toBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(json.contains("\"last\":null"), json);
        DriftState old = DriftState.fromBytes(json.replace("\"last\":null,", "")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(state, old);
    }

    @Test
    void stateWrittenBeforeTheP90SpreadStillReadsAndJudgesItsMean() {
        // The drift state of the previous release, as it stood in a store: a frozen LPIPS baseline without
        // p90Std and warmupWindowSize, and an SSIM warm-up without its p90 sums (JSON of that release's records).
        String stored = """
                {"metrics":{"lpips":{"warmup":{"windows":30,"count":6000,"mean":0.2,"m2":38.4,"meanOfMeans":0.2,\
                "m2OfMeans":0.0,"sumSamplingVariance":0.00096,"sumP90":9.3},"baseline":{"metric":"lpips","mean":0.2,\
                "std":0.08,"p90":0.31,"betweenWindowStd":0.0,"windows":30,"count":6000,"source":"warm-up"},\
                "cusum":{"sum":0.0,"runLength":0},"last":null,"lifecycle":{"firing":false,"breachRun":0,"cleanRun":0,\
                "episodeWindows":0,"alertId":null,"detector":null,"severity":null}},"ssim":{"warmup":{"windows":2,\
                "count":400,"mean":0.9,"m2":0.4,"meanOfMeans":0.9,"m2OfMeans":0.0,"sumSamplingVariance":1.0E-5,\
                "sumP90":1.9},"baseline":null,"cusum":{"sum":0.0,"runLength":0},"last":null,"lifecycle":\
                {"firing":false,"breachRun":0,"cleanRun":0,"episodeWindows":0,"alertId":null,"detector":null,\
                "severity":null}}},"rebaselinedFrom":null}""";
        DriftState old = DriftState.fromBytes(stored.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertNull(old.baseline("lpips").p90Std(), "not measured before");
        DriftEngine engine = new DriftEngine(settings(3, 1, 1, MetricDriftSettings.DEFAULT_DETECTORS));
        // A p90 far up but the mean on baseline: the p90 cannot be judged against an unmeasured spread.
        DriftStep quiet = engine.onWindowClosed(KEY, window(40, lpips(200, 0.2, 0.08, 0.9),
                new MetricSummary("ssim", 200, 0.9, 0.02, 0.8, 1, 0.9, 0.95, 0.99)), old);
        assertEquals(List.of(), quiet.alerts());
        // The SSIM warm-up completes (3 windows) without a p90 spread, since its first two windows had none.
        assertNull(quiet.state().baseline("ssim").p90Std());
        // The mean is judged as before.
        DriftStep shifted = engine.onWindowClosed(KEY, window(41, lpips(200, 0.3, 0.08, 0.4)), quiet.state());
        assertEquals(1, shifted.alerts().size());
        assertEquals(AlertState.FIRING, shifted.alerts().get(0).state());
    }

    @Test
    void anOscillatingMetricDoesNotFlap() {
        DriftEngine engine = new DriftEngine(settings(30, 2, 2, Set.of(DetectorKind.EFFECT_SIZE)));
        DriftState state = frozen(new Baseline("lpips", 0.2, 0.08, 0.31, 0, 30, 6000, "warm-up", null, 0));
        List<AlertDecision> alerts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // Breaching (+10%, z = 3.5) and clean windows alternate, after 2 breaching ones to fire.
            double mean = i < 2 || i % 2 == 0 ? 0.22 : 0.2;
            DriftStep step = engine.onWindowClosed(KEY, window(i, lpips(200, mean, 0.08, 0.3)), state);
            alerts.addAll(step.alerts());
            state = step.state();
        }
        assertEquals(1, alerts.size());
        assertEquals(AlertState.FIRING, alerts.get(0).state());
    }

    @Test
    void windowStatsReadBackGiveTheSameDecisionsAsTheAccumulator() {
        dev.perceptwatch.aggregation.WindowAccumulator acc = new dev.perceptwatch.aggregation.WindowAccumulator();
        for (int i = 0; i < 100; i++) {
            acc.add(new dev.perceptwatch.events.QualityScore("e" + i, "X", "v7", Map.of(), java.time.Instant.EPOCH,
                    java.time.Instant.EPOCH, null, 0.3 + i / 1000.0, null, null, null, null, null, 8, 8, "s", "s",
                    null, null, null, null, null));
        }
        dev.perceptwatch.events.WindowStats stats = acc.toWindowStats("X", "v7", null, 0, 60_000);
        assertEquals(KEY, DriftKey.of(stats));
        assertEquals(ClosedWindow.of(0, 60_000, acc), ClosedWindow.of(stats));
    }

    @Test
    void anUnknownMetricIsAClearError() {
        DriftEngine engine = new DriftEngine(settings(3, 1, 1, MetricDriftSettings.DEFAULT_DETECTORS));
        MetricSummary unknown = new MetricSummary("sharpness", 10, 1, 0, 1, 1, 1, 1, 1);
        IllegalArgumentException error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> engine.onWindowClosed(KEY, window(0, unknown), DriftState.EMPTY));
        assertTrue(error.getMessage().contains("sharpness"), error.getMessage());
    }

    @Test
    void stateSurvivesARestartThroughItsBytes() {
        DriftEngine engine = new DriftEngine(settings(4, 2, 2, MetricDriftSettings.DEFAULT_DETECTORS));
        // Warm-up of 4, a shift that fires, then enough normal windows for the CUSUM to drain and resolve.
        double[] means = {0.2, 0.21, 0.19, 0.2, 0.2, 0.28, 0.30, 0.32, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2};
        DriftState uninterrupted = DriftState.EMPTY;
        DriftState restarted = DriftState.EMPTY;
        List<AlertDecision> expected = new ArrayList<>();
        List<AlertDecision> actual = new ArrayList<>();
        for (int i = 0; i < means.length; i++) {
            ClosedWindow w = window(i, lpips(200, means[i], 0.08, means[i] * 1.5));
            DriftStep a = engine.onWindowClosed(KEY, w, uninterrupted);
            DriftStep b = engine.onWindowClosed(KEY, w, DriftState.fromBytes(restarted.toBytes()));
            uninterrupted = a.state();
            restarted = b.state();
            expected.addAll(a.alerts());
            actual.addAll(b.alerts());
            assertEquals(uninterrupted, DriftState.fromBytes(restarted.toBytes()), "window " + i);
        }
        assertEquals(expected, actual);
        assertEquals(Arrays.asList(AlertState.FIRING, AlertState.RESOLVED),
                actual.stream().map(AlertDecision::state).toList());
        assertTrue(new String(restarted.toBytes(), java.nio.charset.StandardCharsets.UTF_8).contains("\"lpips\""));
    }
}
