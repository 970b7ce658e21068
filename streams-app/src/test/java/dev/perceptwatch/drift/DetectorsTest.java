package dev.perceptwatch.drift;

import dev.perceptwatch.aggregation.MetricSummary;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected values are worked by hand from the definitions in Detectors, noted beside each case. */
class DetectorsTest {

    static final MetricDriftSettings UP = new MetricDriftSettings(Direction.UP_IS_WORSE,
            MetricDriftSettings.DEFAULT_DETECTORS, 3.0, 2.5, 0.03, 0.5, 4.0, 2.0, 0.15, 0.10, 0.20);
    static final MetricDriftSettings DOWN = new MetricDriftSettings(Direction.DOWN_IS_WORSE,
            MetricDriftSettings.DEFAULT_DETECTORS, 3.0, 2.5, 0.01, 0.5, 4.0, 2.0, 0.02, 0.02, 0.05);
    static final Baseline LPIPS = new Baseline("lpips", 0.2, 0.08, 0.31, 0, 60, 12_000, "warm-up");

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
        assertEquals(50, trivial.statistic(), 1e-9);
        assertFalse(trivial.breach());
        assertTrue(Detectors.effectSize(window("lpips", 1_000_000, 0.207, 0.3), LPIPS, UP).breach());
    }

    @Test
    void betweenWindowSpreadWidensTheStandardError() {
        // SE = sqrt(0.08^2 / 200 + 0.004^2) = 0.0069282; (0.22 - 0.2) / SE = 2.8868 < 3.
        Baseline mixed = new Baseline("lpips", 0.2, 0.08, 0.31, 0.004, 60, 12_000, "warm-up");
        DetectorResult result = Detectors.effectSize(window("lpips", 200, 0.22, 0.3), mixed, UP);
        assertEquals(2.8868, result.statistic(), 1e-4);
        assertFalse(result.breach());
    }

    @Test
    void downIsWorseLooksTheOtherWay() {
        Baseline ssim = new Baseline("ssim", 0.85, 0.06, 0.95, 0, 60, 12_000, "warm-up");
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
        assertEquals(2, previous.z(), 1e-12);
        assertEquals(2 * se / 0.2, previous.relativeChange(), 1e-12);

        LastWindow current = Detectors.lastWindow(shifted, 120_000, LPIPS, Direction.UP_IS_WORSE);
        DetectorResult pooled = Detectors.twoWindow(current, 60_000, previous, UP);
        assertEquals(2.8284, pooled.statistic(), 1e-4);
        assertEquals(2.5, pooled.threshold(), 0);
        assertEquals(2 * se / 0.2, pooled.relativeChange(), 1e-12);
        assertTrue(pooled.breach());
        // z = 2 alone (3.0 for effect size) is not a breach; neither is it after a gap, where the previous
        // window counts as on baseline: 2 / sqrt(2) = 1.4142.
        assertFalse(Detectors.effectSize(shifted, LPIPS, UP).breach());
        DetectorResult afterGap = Detectors.twoWindow(current, 120_000, previous, UP);
        assertEquals(1.4142, afterGap.statistic(), 1e-4);
        assertEquals(se / 0.2, afterGap.relativeChange(), 1e-12);
        assertFalse(afterGap.breach());
        assertEquals(afterGap, Detectors.twoWindow(current, 120_000, null, UP));
    }

    @Test
    void twoWindowIgnoresTrivialShiftsOfHugeWindows() {
        // n = 10^6: +2% twice is z = 50 each, but 2% < the 3% minimum relative change.
        MetricSummary trivial = window("lpips", 1_000_000, 0.204, 0.3);
        LastWindow previous = Detectors.lastWindow(trivial, 60_000, LPIPS, Direction.UP_IS_WORSE);
        LastWindow current = Detectors.lastWindow(trivial, 120_000, LPIPS, Direction.UP_IS_WORSE);
        DetectorResult result = Detectors.twoWindow(current, 60_000, previous, UP);
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
            assertEquals(expectedSums[i], step.result().statistic(), 1e-9, "window " + i);
            assertEquals(expectedBreach[i], step.result().breach(), "window " + i);
            state = step.state();
        }
        // z = 0 windows drain k = 0.5 each: 5.5, 5.0, 4.5 still breach; 4.0 is not > h.
        double[] drain = {5.5, 5.0, 4.5, 4.0};
        for (double expected : drain) {
            Detectors.CusumStep step = Detectors.cusum(normal, LPIPS, UP, state);
            assertEquals(expected, step.result().statistic(), 1e-9);
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
    void p90ShiftIsARelativeChangeAndNeedsEnoughValues() {
        // (0.37 - 0.31) / 0.31 = 0.19355 >= 0.15.
        DetectorResult shifted = Detectors.p90Shift(window("lpips", 200, 0.2, 0.37), LPIPS, UP, 50);
        assertEquals(0.19355, shifted.statistic(), 1e-5);
        assertTrue(shifted.breach());
        // (0.35 - 0.31) / 0.31 = 0.129 < 0.15.
        assertFalse(Detectors.p90Shift(window("lpips", 200, 0.2, 0.35), LPIPS, UP, 50).breach());
        assertFalse(Detectors.p90Shift(window("lpips", 20, 0.2, 0.5), LPIPS, UP, 50).breach(), "20 < 50 values");
    }

    @Test
    void naiveThresholdIsAFixedFractionOfTheBaselineMean() {
        assertTrue(Detectors.naiveThreshold(window("lpips", 5, 0.221, 0.3), LPIPS, UP).breach());
        assertFalse(Detectors.naiveThreshold(window("lpips", 5, 0.219, 0.3), LPIPS, UP).breach());
    }
}
