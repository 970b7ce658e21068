package dev.perceptwatch.aggregation;

import dev.perceptwatch.scoring.Metric;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricAccumulatorTest {

    private static final double[] QUANTILES = {0.01, 0.1, 0.5, 0.9, 0.99};

    /** Exact quantile by the same rank rule as DDSketch: the value of rank floor(q * (n - 1)). */
    private static double exactQuantile(double[] sorted, double q) {
        return sorted[(int) Math.floor(q * (sorted.length - 1))];
    }

    /** The gap to the neighbouring ranks: how much a one-rank difference in rounding may move a quantile. */
    private static double rankSlack(double[] sorted, double q) {
        int rank = (int) Math.floor(q * (sorted.length - 1));
        return Math.max(sorted[Math.min(rank + 1, sorted.length - 1)] - sorted[rank],
                sorted[rank] - sorted[Math.max(rank - 1, 0)]);
    }

    @Test
    void quantilesOfADistanceAreWithinOnePercentOfTheExactOnes() {
        // LPIPS-like: 0.001 .. 1.000, squared to skew it right.
        double[] values = new double[1000];
        MetricAccumulator acc = new MetricAccumulator(Metric.LPIPS);
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.pow((i + 1) / 1000.0, 2);
            acc.add(values[i]);
        }
        Arrays.sort(values);
        for (double q : QUANTILES) {
            double exact = exactQuantile(values, q);
            double tolerance = 0.01 * exact + rankSlack(values, q);
            assertEquals(exact, acc.quantile(q), tolerance, "q=" + q);
        }
    }

    @Test
    void similarityQuantilesAreAccurateInDistanceFromOneAndAcceptNegatives() {
        // SSIM-like: 0.9000 .. 0.9999 plus two slightly negative values (SSIM can be < 0).
        double[] values = new double[1002];
        MetricAccumulator acc = new MetricAccumulator(Metric.SSIM);
        for (int i = 0; i < 1000; i++) {
            values[i] = 0.9 + i / 10_000.0;
        }
        values[1000] = -0.02;
        values[1001] = -0.05;
        for (double v : values) {
            acc.add(v);
        }
        Arrays.sort(values);
        for (double q : QUANTILES) {
            double exact = exactQuantile(values, q);
            // 1% of the distance from 1 (the complement is sketched), not 1% of the value (up to 0.0095).
            double tolerance = 0.01 * Math.abs(1 - exact) + rankSlack(values, q);
            assertEquals(exact, acc.quantile(q), tolerance, "q=" + q);
        }
        assertEquals(-0.05, acc.quantile(0), 1e-12);
        assertEquals(-0.05, acc.summary().min(), 0);
    }

    @Test
    void summaryHasExactMomentsOfAKnownSample() {
        MetricAccumulator acc = new MetricAccumulator(Metric.MSE);
        for (double v : new double[] {2, 4, 4, 4, 5, 5, 7, 9}) {
            acc.add(v);
        }
        MetricSummary summary = acc.summary();
        // Textbook sample: mean 5, population std 2.
        assertEquals("mse", summary.metric());
        assertEquals(8, summary.count());
        assertEquals(5.0, summary.mean(), 1e-12);
        assertEquals(2.0, summary.std(), 1e-12);
        assertEquals(2.0, summary.min(), 0);
        assertEquals(9.0, summary.max(), 0);
    }

    @Test
    void rejectsNonFiniteValuesAndEmptySummaries() {
        MetricAccumulator acc = new MetricAccumulator(Metric.LPIPS);
        assertThrows(IllegalStateException.class, acc::summary);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> acc.add(Double.NaN));
        assertTrue(error.getMessage().contains("lpips"), error.getMessage());
    }
}
