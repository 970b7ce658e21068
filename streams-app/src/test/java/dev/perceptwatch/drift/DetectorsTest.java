package dev.perceptwatch.drift;

import dev.perceptwatch.aggregation.MetricSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expected values are worked by hand from the definitions in Detectors, noted beside each case. The baselines
 * have a million warm-up windows, where the calibration for the warm-up's length is the identity to 1e-5
 * (Student's t with 999,999 degrees of freedom is the normal law), so raw standard errors can be worked by
 * hand; {@link #aShortWarmUpNeedsAFartherShift()} checks the calibration against Student's t tables.
 */
class DetectorsTest {

    static final MetricDriftSettings UP = new MetricDriftSettings(Direction.UP_IS_WORSE,
            MetricDriftSettings.DEFAULT_DETECTORS, 3.0, 2.5, 0.03, 0.5, 4.0, 2.0, 0.15, 3.0, 3.0, 0.10, 0.20, 5.0,
            false);
    static final MetricDriftSettings DOWN = new MetricDriftSettings(Direction.DOWN_IS_WORSE,
            MetricDriftSettings.DEFAULT_DETECTORS, 3.0, 2.5, 0.01, 0.5, 4.0, 2.0, 0.02, 3.0, 3.0, 0.02, 0.05, 5.0,
            false);
    static final int MANY = 1_000_000;
    /** Window p90s of the warm-up spread by 0.02 at 200 values per window; no traffic mix. */
    static final Baseline LPIPS = new Baseline("lpips", 0.2, 0.08, 0.31, 0, MANY, 200L * MANY, "warm-up", 0.02, 200);

    static MetricSummary window(String metric, long n, double mean, double p90) {
        return new MetricSummary(metric, n, mean, 0.08, 0, 1, mean, p90, p90);
    }

    @Test
    void effectSizeMeasuresTheMeanInStandardErrors() {
        // SE = 0.08 / sqrt(200) = 0.0056569; (0.22 - 0.2) / SE = 3.5355.
        DetectorResult shifted = Detectors.effectSize(window("lpips", 200, 0.22, 0.3), LPIPS, UP);
        assertEquals(3.5355, shifted.statistic(), 1e-4);
        assertEquals(3.0, shifted.threshold(), 0);
        assertEquals(0.10, shifted.relativeChange(), 1e-12);
        assertTrue(shifted.breach());
        // (0.215 - 0.2) / SE = 2.65 < 3.
        assertFalse(Detectors.effectSize(window("lpips", 200, 0.215, 0.3), LPIPS, UP).breach());
        // Better than baseline is never a breach.
        assertTrue(Detectors.effectSize(window("lpips", 200, 0.15, 0.3), LPIPS, UP).statistic() < 0);
    }

    @Test
    void effectSizeIgnoresTrivialShiftsOfHugeWindows() {
        // n = 10^6: SE = 0.00008, so +0.004 is z = 50, but only 2% < the 3% minimum relative change.
        DetectorResult trivial = Detectors.effectSize(window("lpips", 1_000_000, 0.204, 0.3), LPIPS, UP);
        assertEquals(50, trivial.statistic(), 1e-3);
        assertFalse(trivial.breach());
        assertTrue(Detectors.effectSize(window("lpips", 1_000_000, 0.207, 0.3), LPIPS, UP).breach());
    }

    @Test
    void betweenWindowSpreadWidensTheStandardError() {
        // SE = sqrt(0.08^2 / 200 + 0.004^2) = 0.0069282; (0.22 - 0.2) / SE = 2.8868 < 3.
        Baseline mixed = new Baseline("lpips", 0.2, 0.08, 0.31, 0.004, MANY, 200L * MANY, "warm-up", null, 0);
        DetectorResult result = Detectors.effectSize(window("lpips", 200, 0.22, 0.3), mixed, UP);
        assertEquals(2.8868, result.statistic(), 1e-4);
        assertFalse(result.breach());
    }

    @Test
    void downIsWorseLooksTheOtherWay() {
        Baseline ssim = new Baseline("ssim", 0.85, 0.06, 0.95, 0, MANY, 200L * MANY, "warm-up", null, 0);
        // SE = 0.06 / sqrt(200) = 0.0042426; (0.85 - 0.80) / SE = 11.785.
        DetectorResult worse = Detectors.effectSize(new MetricSummary("ssim", 200, 0.80, 0.06, 0, 1, 0.8, 0.9, 0.95),
                ssim, DOWN);
        assertEquals(11.785, worse.statistic(), 1e-3);
        assertTrue(worse.breach());
        assertFalse(Detectors.effectSize(new MetricSummary("ssim", 200, 0.90, 0.06, 0, 1, 0.9, 0.97, 0.99),
                ssim, DOWN).breach());
    }

    @Test
    void twoWindowPoolsTheShiftOfAdjacentWindows() {
        // SE = 0.08 / sqrt(200); each window at +2 SE (z = 2, +5.657%): together (2 + 2) / sqrt(2) = 2.8284.
        double se = 0.08 / Math.sqrt(200);
        MetricSummary shifted = window("lpips", 200, 0.2 + 2 * se, 0.3);
        LastWindow previous = Detectors.lastWindow(shifted, 60_000, LPIPS, Direction.UP_IS_WORSE);
        assertEquals(60_000, previous.end());
        assertEquals(2, previous.z(), 1e-5);
        assertEquals(2 * se / 0.2, previous.relativeChange(), 1e-12);

        LastWindow current = Detectors.lastWindow(shifted, 120_000, LPIPS, Direction.UP_IS_WORSE);
        DetectorResult pooled = Detectors.twoWindow(current, 60_000, previous, LPIPS, UP);
        assertEquals(2.8284, pooled.statistic(), 1e-4);
        assertEquals(2.5, pooled.threshold(), 0);
        assertEquals(2 * se / 0.2, pooled.relativeChange(), 1e-12);
        assertTrue(pooled.breach());
        // z = 2 alone (3.0 for effect size) is not a breach; neither is it after a gap, where the previous
        // window counts as on baseline: 2 / sqrt(2) = 1.4142.
        assertFalse(Detectors.effectSize(shifted, LPIPS, UP).breach());
        DetectorResult afterGap = Detectors.twoWindow(current, 120_000, previous, LPIPS, UP);
        assertEquals(1.4142, afterGap.statistic(), 1e-4);
        assertEquals(se / 0.2, afterGap.relativeChange(), 1e-12);
        assertFalse(afterGap.breach());
        assertEquals(afterGap, Detectors.twoWindow(current, 120_000, null, LPIPS, UP));
    }

    @Test
    void twoWindowIgnoresTrivialShiftsOfHugeWindows() {
        // n = 10^6: +2% twice is z = 50 each, but 2% < the 3% minimum relative change.
        MetricSummary trivial = window("lpips", 1_000_000, 0.204, 0.3);
        LastWindow previous = Detectors.lastWindow(trivial, 60_000, LPIPS, Direction.UP_IS_WORSE);
        LastWindow current = Detectors.lastWindow(trivial, 120_000, LPIPS, Direction.UP_IS_WORSE);
        DetectorResult result = Detectors.twoWindow(current, 60_000, previous, LPIPS, UP);
        assertEquals(70.711, result.statistic(), 1e-3);
        assertFalse(result.breach());
    }

    @Test
    void cusumAccumulatesSmallShiftsIsCappedAndDrainsAfterwards() {
        // Each window z = 2 (mean = 0.2 + 2 SE): S = 1.5, 3.0, 4.5 (> h = 4: breach), then capped at h + 2 = 6.
        double se = 0.08 / Math.sqrt(200);
        MetricSummary shifted = window("lpips", 200, 0.2 + 2 * se, 0.3);
        MetricSummary normal = window("lpips", 200, 0.2, 0.3);
        double[] expectedSums = {1.5, 3.0, 4.5, 6.0, 6.0};
        boolean[] expectedBreach = {false, false, true, true, true};
        CusumState state = CusumState.ZERO;
        for (int i = 0; i < expectedSums.length; i++) {
            Detectors.CusumStep step = Detectors.cusum(shifted, LPIPS, UP, state);
            assertEquals(expectedSums[i], step.result().statistic(), 1e-4, "window " + i);
            assertEquals(expectedBreach[i], step.result().breach(), "window " + i);
            state = step.state();
        }
        // z = 0 windows drain k = 0.5 each: 5.5, 5.0, 4.5 still breach; 4.0 is not > h.
        double[] drain = {5.5, 5.0, 4.5, 4.0};
        for (double expected : drain) {
            Detectors.CusumStep step = Detectors.cusum(normal, LPIPS, UP, state);
            assertEquals(expected, step.result().statistic(), 1e-4);
            assertEquals(expected > 4.0, step.result().breach());
            state = step.state();
        }
    }

    @Test
    void cusumNeedsTheEstimatedShiftToBeWorthAnAlert() {
        // n = 10^6: z = 2 is a shift of 0.00016 (0.08%), far below 3%: the sum passes h but does not breach.
        double se = 0.08 / Math.sqrt(1_000_000);
        CusumState state = CusumState.ZERO;
        Detectors.CusumStep step = null;
        for (int i = 0; i < 5; i++) {
            step = Detectors.cusum(window("lpips", 1_000_000, 0.2 + 2 * se, 0.3), LPIPS, UP, state);
            state = step.state();
        }
        assertTrue(step.result().statistic() > 4.0);
        assertFalse(step.result().breach());
    }

    @Test
    void p90ShiftMeasuresTheWindowP90InStandardErrorsOfAWindowP90() {
        // The warm-up's window p90s spread by 0.02 at n = 200 and there is no mix: all of it is sampling, so
        // at n = 200 the standard error is 0.02: (0.375 - 0.31) / 0.02 = 3.25 >= 3, and +21% >= the 15% floor.
        DetectorResult shifted = Detectors.p90Shift(window("lpips", 200, 0.2, 0.375), LPIPS, UP, 50);
        assertEquals(3.25, shifted.statistic(), 1e-4);
        assertEquals(3.0, shifted.threshold(), 0);
        assertEquals(0.065 / 0.31, shifted.relativeChange(), 1e-12);
        assertTrue(shifted.breach());
        // (0.36 - 0.31) / 0.02 = 2.5 < 3.
        assertFalse(Detectors.p90Shift(window("lpips", 200, 0.2, 0.36), LPIPS, UP, 50).breach());
        // n = 800: sampling shrinks as 1/n, SE = 0.02 / 2 = 0.01: (0.36 - 0.31) / 0.01 = 5.0, +16.1%.
        DetectorResult bigWindow = Detectors.p90Shift(window("lpips", 800, 0.2, 0.36), LPIPS, UP, 50);
        assertEquals(5.0, bigWindow.statistic(), 1e-4);
        assertTrue(bigWindow.breach());
        assertFalse(Detectors.p90Shift(window("lpips", 20, 0.2, 0.5), LPIPS, UP, 50).breach(), "20 < 50 values");
    }

    @Test
    void p90ShiftKeepsItsRelativeFloorAndSplitsTheSpreadLikeTheMean() {
        // n = 20,000: SE = 0.02 / 10 = 0.002, so +0.04 is z = 20, but +12.9% < the 15% floor.
        DetectorResult trivial = Detectors.p90Shift(window("lpips", 20_000, 0.2, 0.35), LPIPS, UP, 50);
        assertEquals(20.0, trivial.statistic(), 0.01);
        assertFalse(trivial.breach());
        // With mix: sampling 0.08^2 / 200 = 3.2e-5, between 0.004^2 = 1.6e-5, mix share 1/3 of the measured
        // 0.02^2. At n = 800: 4e-4 (2/3 x 200/800 + 1/3) = 2e-4, SE 0.014142: (0.37 - 0.31) / SE = 4.2426.
        Baseline mixed = new Baseline("lpips", 0.2, 0.08, 0.31, 0.004, MANY, 200L * MANY, "warm-up", 0.02, 200);
        assertEquals(4.2426, Detectors.p90Shift(window("lpips", 800, 0.2, 0.37), mixed, UP, 50).statistic(), 1e-3);
    }

    @Test
    void aBaselineFrozenBeforeTheP90SpreadWasMeasuredIsNotJudgedOnItsP90() {
        Baseline old = new Baseline("lpips", 0.2, 0.08, 0.31, 0, 120, 24_000, "warm-up", null, 0);
        DetectorResult result = Detectors.p90Shift(window("lpips", 200, 0.2, 0.9), old, UP, 50);
        assertTrue(Double.isNaN(result.statistic()));
        assertFalse(result.breach());
        // Its mean is judged as before.
        assertTrue(Detectors.effectSize(window("lpips", 200, 0.3, 0.3), old, UP).breach());
    }

    @Test
    void aShortWarmUpNeedsAFartherShift() {
        // Student's t tables: t(0.999, 8 df) = 4.501 and the normal z(0.999) = 3.090; t(0.995, 8) = 3.355,
        // z(0.995) = 2.576.
        assertEquals(3.090, Calibration.z(4.501, 9), 2e-3);
        assertEquals(-2.576, Calibration.z(-3.355, 9), 2e-3);
        // With 9 warm-up windows the difference from the baseline has sqrt(1 + 1/9) = 1.0541 standard errors
        // of one window: a window mean 4.52 x 1.0541 SE above it is t = 4.52, calibrated z = 3.098 (scipy:
        // norm.isf(t.sf(4.52, 8))) >= 3.
        Baseline short9 = new Baseline("lpips", 0.2, 0.08, 0.31, 0, 9, 1800, "warm-up", 0.02, 200);
        double se = 0.08 / Math.sqrt(200);
        DetectorResult justOver = Detectors.effectSize(window("lpips", 200, 0.2 + 4.52 * 1.0541 * se, 0.3), short9, UP);
        assertEquals(3.098, justOver.statistic(), 2e-3);
        assertTrue(justOver.breach());
        // The same window against a long warm-up is 4.765 standard errors; against 9 windows 3 SE is z 2.385.
        assertEquals(4.765, Detectors.effectSize(window("lpips", 200, 0.2 + 4.52 * 1.0541 * se, 0.3), LPIPS, UP)
                .statistic(), 0.01);
        assertFalse(Detectors.effectSize(window("lpips", 200, 0.2 + 3 * 1.0541 * se, 0.3), short9, UP).breach());
    }

    @Test
    void cusumAfterAShortWarmUpLeavesTheBaselinesOwnErrorOut() {
        // 9 warm-up windows: the baseline mean is off by 1/sqrt(9) of a window's standard error, in every window
        // alike, so the slack is 5/sqrt(9) = 1.6667 instead of k = 0.5. The window of aShortWarmUpNeedsAFartherShift
        // (calibrated z 3.098) adds 3.098 - 1.6667 = 1.431 to the sum instead of 2.598.
        Baseline short9 = new Baseline("lpips", 0.2, 0.08, 0.31, 0, 9, 1800, "warm-up", 0.02, 200);
        double se = 0.08 / Math.sqrt(200);
        MetricSummary shifted = window("lpips", 200, 0.2 + 4.52 * 1.0541 * se, 0.3);
        assertEquals(1.431, Detectors.cusum(shifted, short9, UP, CusumState.ZERO).result().statistic(), 2e-3);
        // A window 1.5 standard errors up, which a long warm-up's k = 0.5 would sum, adds nothing.
        MetricSummary slightly = window("lpips", 200, 0.2 + 1.5 * 1.0541 * se, 0.3);
        assertEquals(0, Detectors.cusum(slightly, short9, UP, CusumState.ZERO).result().statistic(), 0);
        // From 25 windows on 5/sqrt(W) <= 1, so a reference of 1 is kept: 25 and 100 windows give k, 16 gives 1.25.
        assertEquals(1.0, Calibration.cusumSlack(1.0, 25), 0);
        assertEquals(1.0, Calibration.cusumSlack(1.0, 100), 0);
        assertEquals(1.25, Calibration.cusumSlack(1.0, 16), 0);
    }

    @Test
    void criticalNeedsALargeChangeFarBeyondNoise() {
        // UP: critical at +20% and z >= 5. +25% at z = 8.8 (SE 0.0056569): critical.
        DetectorResult large = Detectors.effectSize(window("lpips", 200, 0.25, 0.3), LPIPS, UP);
        assertTrue(large.critical(UP));
        // +25% in a window of 20 values: SE 0.017889, z = 2.8: no breach at all, so not critical.
        assertFalse(Detectors.effectSize(window("lpips", 20, 0.25, 0.3), LPIPS, UP).critical(UP));
        // +25% where the mix is wide (between 0.012: SE 0.013266, z = 3.77 >= 3 breaches, < 5): a warning.
        Baseline mixed = new Baseline("lpips", 0.2, 0.08, 0.31, 0.012, MANY, 200L * MANY, "warm-up", null, 0);
        DetectorResult noisy = Detectors.effectSize(window("lpips", 200, 0.25, 0.3), mixed, UP);
        assertEquals(3.769, noisy.statistic(), 1e-3);
        assertTrue(noisy.breach());
        assertFalse(noisy.critical(UP));
        // z = 50 but only +4%: a breach, not critical.
        DetectorResult precise = Detectors.effectSize(window("lpips", 1_000_000, 0.208, 0.3), LPIPS, UP);
        assertTrue(precise.breach());
        assertFalse(precise.critical(UP));
    }

    @Test
    void naiveThresholdIsAFixedFractionOfTheBaselineMean() {
        assertTrue(Detectors.naiveThreshold(window("lpips", 5, 0.221, 0.3), LPIPS, UP).breach());
        assertFalse(Detectors.naiveThreshold(window("lpips", 5, 0.219, 0.3), LPIPS, UP).breach());
    }

    /** LPIPS as above, plus log-scale spreads: window means' logs around ln 0.2 spread 0.05, p90s' around ln 0.31 by 0.08. */
    static final Baseline LOG_LPIPS = new Baseline("lpips", 0.2, 0.08, 0.31, 0, MANY, 200L * MANY, "warm-up", 0.02, 200,
            Math.log(0.2), 0.05, Math.log(0.31), 0.08);

    @Test
    void logScaleJudgesTheLogOfTheWindowMeanAgainstTheWarmUpsLogs() {
        MetricDriftSettings log = UP.withLogScale(true);
        // (ln 0.22 - ln 0.2) / 0.05 = ln 1.1 / 0.05 = 1.9062 (linear on the same baseline: 3.5355, above).
        DetectorResult atWarmUpSize = Detectors.effectSize(window("lpips", 200, 0.22, 0.3), LOG_LPIPS, log);
        assertEquals(1.9062, atWarmUpSize.statistic(), 1e-4);
        assertEquals(0.10, atWarmUpSize.relativeChange(), 1e-12);
        assertFalse(atWarmUpSize.breach());
        // n = 800, no traffic mix: the spread is all sampling, 0.05 * sqrt(200 / 800) = 0.025: z = 3.8124 >= 3.
        DetectorResult bigger = Detectors.effectSize(window("lpips", 800, 0.22, 0.3), LOG_LPIPS, log);
        assertEquals(3.8124, bigger.statistic(), 1e-4);
        assertTrue(bigger.breach());
        // Linear when the option is off, whatever the baseline holds.
        assertEquals(3.5355, Detectors.effectSize(window("lpips", 200, 0.22, 0.3), LOG_LPIPS, UP).statistic(), 1e-4);
    }

    @Test
    void logScaleCarriesTheSpreadToTheWindowSizeInTheProportionOfTheMix() {
        // between 0.004: sampling 0.08^2 / 200 = 3.2e-5, mix 1.6e-5, mix share 1/3. At n = 800 the spread is
        // 0.05 * sqrt((2/3) * 200/800 + 1/3) = 0.05 * sqrt(0.5): z = ln 1.1 / 0.035355 = 2.6958.
        Baseline mixed = new Baseline("lpips", 0.2, 0.08, 0.31, 0.004, MANY, 200L * MANY, "warm-up", 0.02, 200,
                Math.log(0.2), 0.05, Math.log(0.31), 0.08);
        assertEquals(2.6958, Detectors.effectSize(window("lpips", 800, 0.22, 0.3), mixed, UP.withLogScale(true))
                .statistic(), 1e-4);
    }

    @Test
    void logScaleP90AndTwoWindow() {
        MetricDriftSettings log = UP.withLogScale(true);
        // (ln 0.36 - ln 0.31) / 0.08 = 1.8691.
        assertEquals(1.8691, Detectors.p90Shift(window("lpips", 200, 0.2, 0.36), LOG_LPIPS, log, 50).statistic(), 1e-4);
        // Two adjacent windows of z 1.9062 each: (1.9062 + 1.9062) / sqrt(2) = 2.6958 (W huge), >= 2.5.
        LastWindow previous = Detectors.lastWindow(window("lpips", 200, 0.22, 0.3), 60_000, LOG_LPIPS, log);
        LastWindow current = Detectors.lastWindow(window("lpips", 200, 0.22, 0.3), 120_000, LOG_LPIPS, log);
        assertEquals(1.9062, current.z(), 1e-4);
        DetectorResult pooled = Detectors.twoWindow(current, 60_000, previous, LOG_LPIPS, log);
        assertEquals(2.6958, pooled.statistic(), 1e-4);
        assertTrue(pooled.breach());
    }

    @Test
    void logScaleLeavesDownIsWorseMetricsAndOldBaselinesLinear() {
        // SSIM: linear whatever the option: (0.85 - 0.84) / (0.06 / sqrt(200)) = 2.3570.
        Baseline ssim = new Baseline("ssim", 0.85, 0.06, 0.95, 0, MANY, 200L * MANY, "warm-up", null, 0,
                Math.log(0.85), 0.01, Math.log(0.95), 0.01);
        assertEquals(2.3570, Detectors.effectSize(window("ssim", 200, 0.84, 0.94), ssim, DOWN.withLogScale(true))
                .statistic(), 1e-4);
        // A baseline frozen before the log spreads were measured (LPIPS: no log fields) is judged linearly.
        assertEquals(3.5355, Detectors.effectSize(window("lpips", 200, 0.22, 0.3), LPIPS, UP.withLogScale(true))
                .statistic(), 1e-4);
    }

    @Test
    void warmUpMeasuresTheLogsOfWindowMeansAndP90s() {
        // Two windows, means 0.1 and 0.4, p90s 0.2 and 0.8: log means' mean (ln 0.1 + ln 0.4) / 2 = ln 0.2, their
        // sample std |ln 0.4 - ln 0.1| / sqrt(2) = ln 4 / sqrt 2 = 0.98026; p90s: ln 0.4 and the same spread.
        Baseline b = BaselineWarmup.EMPTY.add(window("lpips", 200, 0.1, 0.2)).add(window("lpips", 200, 0.4, 0.8))
                .freeze("lpips");
        assertEquals(Math.log(0.2), b.logMean(), 1e-12);
        assertEquals(0.98026, b.logStd(), 1e-5);
        assertEquals(Math.log(0.4), b.logP90Mean(), 1e-12);
        assertEquals(0.98026, b.logP90Std(), 1e-5);
        // A window mean of 0 leaves the baseline without log scale.
        assertFalse(BaselineWarmup.EMPTY.add(window("lpips", 200, 0, 0)).add(window("lpips", 200, 0.4, 0.8))
                .freeze("lpips").hasLogScale());
    }

    /** LOG_LPIPS plus the log mean squares without the worst score: around ln 0.05, spread 0.1. */
    static final Baseline SQUARE_LPIPS = new Baseline("lpips", 0.2, 0.08, 0.31, 0, MANY, 200L * MANY, "warm-up", 0.02,
            200, Math.log(0.2), 0.05, Math.log(0.31), 0.08, Math.log(0.05), 0.1);

    @Test
    void theMeanSquareLeavesOutTheWorstScore() {
        // Scores 0.1, 0.1, 0.1, 0.5: mean 0.2, mean square 0.07, population variance 0.03, max 0.5.
        // (4 * 0.07 - 0.25) / 3 = 0.01, the mean square of the three 0.1s.
        MetricSummary four = new MetricSummary("lpips", 4, 0.2, Math.sqrt(0.03), 0.1, 0.5, 0.1, 0.5, 0.5);
        assertEquals(0.01, Detectors.meanSquareWithoutWorst(four), 1e-12);
        assertTrue(Double.isNaN(Detectors.meanSquareWithoutWorst(new MetricSummary("lpips", 1, 0.2, 0, 0.2, 0.2,
                0.2, 0.2, 0.2))), "one score has nothing left once its worst is out");
    }

    @Test
    void meanSquareJudgesTheLogOfTheSecondMomentAgainstTheWarmUps() {
        MetricDriftSettings log = UP.withLogScale(true);
        // n 200, mean 0.2, std 0.2, max 1: (200 * (0.04 + 0.04) - 1) / 199 = 0.0753769; ln(0.0753769 / 0.05) / 0.1
        // = 4.1048 >= 3; its root rose sqrt(0.0753769 / 0.05) - 1 = 22.78%.
        MetricSummary spread = new MetricSummary("lpips", 200, 0.2, 0.2, 0, 1, 0.15, 0.45, 0.9);
        DetectorResult result = Detectors.meanSquare(spread, SQUARE_LPIPS, log);
        assertEquals(4.1048, result.statistic(), 1e-4);
        assertEquals(0.22782, result.relativeChange(), 1e-5);
        assertTrue(result.breach());
        // n 800, the same scores: (800 * 0.08 - 1) / 799 = 0.0788486, the spread all sampling, 0.1 * sqrt(200/800):
        // ln(0.0788486 / 0.05) / 0.05 = 9.1101, which calibrated with W = 10^6 (t to normal) is 9.1099.
        MetricSummary bigger = new MetricSummary("lpips", 800, 0.2, 0.2, 0, 1, 0.15, 0.45, 0.9);
        assertEquals(9.1099, Detectors.meanSquare(bigger, SQUARE_LPIPS, log).statistic(), 1e-4);
    }

    @Test
    void meanSquareIsNotMovedByOneOutlier() {
        // 199 scores of 0.2 and one of 5: the mean rises 12% (0.224), the mean square without the worst is
        // (199 * 0.04 + 25 - 25) / 199 = 0.04 exactly, below the baseline's 0.05: no breach.
        double variance = (199 * 0.04 + 25) / 200 - 0.224 * 0.224;
        MetricSummary outlier = new MetricSummary("lpips", 200, 0.224, Math.sqrt(variance), 0.2, 5, 0.2, 0.2, 0.2);
        assertEquals(0.04, Detectors.meanSquareWithoutWorst(outlier), 1e-12);
        DetectorResult result = Detectors.meanSquare(outlier, SQUARE_LPIPS, UP.withLogScale(true));
        assertEquals(Math.log(0.04 / 0.05) / 0.1, result.statistic(), 1e-5);
        assertFalse(result.breach());
    }

    @Test
    void meanSquareJudgesOnlyLogScaleMetricsAgainstBaselinesThatMeasuredIt() {
        MetricSummary spread = new MetricSummary("lpips", 200, 0.2, 0.2, 0, 1, 0.15, 0.45, 0.9);
        // Off the log scale (the option off, or a down-is-worse metric), and against a baseline frozen before the
        // mean squares were measured: NaN, never a breach.
        for (DetectorResult result : List.of(Detectors.meanSquare(spread, SQUARE_LPIPS, UP),
                Detectors.meanSquare(spread, LOG_LPIPS, UP.withLogScale(true)),
                Detectors.meanSquare(spread, SQUARE_LPIPS, DOWN.withLogScale(true)))) {
            assertTrue(Double.isNaN(result.statistic()), result.toString());
            assertFalse(result.breach());
        }
    }

    @Test
    void warmUpMeasuresTheLogMeanSquares() {
        // Windows of 200 with std 0.08, max 1, means 0.1 and 0.4: mean squares without the worst
        // (200 * (0.0064 + 0.01) - 1) / 199 = 0.0114573 and (200 * (0.0064 + 0.16) - 1) / 199 = 0.162211; their
        // logs' mean -3.14399, sample std |ln 0.162211 - ln 0.0114573| / sqrt 2 = 1.87403.
        Baseline b = BaselineWarmup.EMPTY.add(window("lpips", 200, 0.1, 0.2)).add(window("lpips", 200, 0.4, 0.8))
                .freeze("lpips");
        assertEquals(-3.14399, b.logMeanSquareMean(), 1e-5);
        assertEquals(1.87403, b.logMeanSquareStd(), 1e-5);
        // A warm-up state stored before the mean squares were kept (its sums absent, read as 0 windows) freezes
        // without them, and the detector then does not judge.
        BaselineWarmup older = new BaselineWarmup(1, 200, 0.1, 0, 0.1, 0, 0, 0.2, 1, 0, 0.005, 1, Math.log(0.1), 0,
                Math.log(0.2), 0, 0, 0, 0);
        assertFalse(older.add(window("lpips", 200, 0.4, 0.8)).freeze("lpips").hasLogMeanSquare());
    }
}
