package dev.perceptwatch.drift.eval;

import dev.perceptwatch.aggregation.WindowAccumulator;
import dev.perceptwatch.events.QualityScore;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

import java.time.Instant;
import java.util.Map;

/**
 * Score streams shaped like real ones. LPIPS per pair ~ Beta with mean 0.2 and std 0.08 (right-skewed,
 * p90 ~ 0.31); SSIM per pair = 1 - Beta with mean 0.15 and std 0.064 (left tail). Each window's location
 * also moves by a random factor, the mix noise (drift-eval's default: 2% std of the mean), for both metrics: real
 * traffic mixes prompts differently from one window to the next, so window means vary more than sampling alone
 * predicts.
 */
final class SyntheticScores implements ScoreSource.Windows {

    static final double LPIPS_MEAN = 0.2;
    private static final double LPIPS_CONCENTRATION = 24;          // std 0.080 at mean 0.2
    private static final double VARIANCE_CONCENTRATION = 10;       // std 0.121 at mean 0.2
    private static final double TAIL_START = 0.25;
    private static final double TAIL_STRETCH = 1.8;
    private static final double SSIM_DISTANCE_MEAN = 0.15;
    private static final double SSIM_CONCENTRATION = 30;

    private final UniformRandomProvider rng;
    private final ContinuousSampler gaussian;
    private final int eventsPerWindow;
    private final double mixNoise;

    SyntheticScores(UniformRandomProvider rng, int eventsPerWindow, double mixNoise) {
        this.rng = rng;
        this.gaussian = ZigguratSampler.NormalizedGaussian.of(rng);
        this.eventsPerWindow = eventsPerWindow;
        this.mixNoise = mixNoise;
    }

    @Override
    public WindowAccumulator window(String windowId, Scenario scenario, boolean changed) {
        Scenario effective = changed ? scenario : Scenario.NONE;
        double lpipsMean = LPIPS_MEAN * (1 + mixNoise * gaussian.sample()) * effective.meanFactor();
        double concentration = effective == Scenario.VARIANCE ? VARIANCE_CONCENTRATION : LPIPS_CONCENTRATION;
        ContinuousSampler lpips = beta(lpipsMean, concentration);
        ContinuousSampler ssimDistance = beta(SSIM_DISTANCE_MEAN * (1 + mixNoise * gaussian.sample()),
                SSIM_CONCENTRATION);
        WindowAccumulator window = new WindowAccumulator();
        for (int i = 0; i < eventsPerWindow; i++) {
            double value = lpips.sample();
            if (effective == Scenario.TAIL && value > TAIL_START) {
                value = Math.min(1, TAIL_START + (value - TAIL_START) * TAIL_STRETCH);
            }
            window.add(score(windowId + "-e" + i, value, 1 - ssimDistance.sample()));
        }
        return window;
    }

    private ContinuousSampler beta(double mean, double concentration) {
        return ChengBetaSampler.of(rng, mean * concentration, (1 - mean) * concentration);
    }

    private static QualityScore score(String eventId, double lpips, double ssim) {
        return new QualityScore(eventId, "synthetic", "v1", Map.of(), Instant.EPOCH, Instant.EPOCH, null, lpips,
                null, null, null, ssim, null, 512, 512, "synthetic", "synthetic", null, null, null, null, null);
    }
}
