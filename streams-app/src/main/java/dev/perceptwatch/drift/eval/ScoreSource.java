package dev.perceptwatch.drift.eval;

import dev.perceptwatch.aggregation.WindowAccumulator;
import dev.perceptwatch.scoring.Metric;
import org.apache.commons.rng.UniformRandomProvider;

import java.util.List;

/** Where drift-eval's windows come from: the synthetic generator, or a replay of recorded real scores. */
public interface ScoreSource {

    /** The change scenarios this source can play, {@link Scenario#NONE} included. */
    List<Scenario> scenarios();

    /** The metrics its scores carry, whose alerts are counted. */
    List<Metric> metrics();

    /** The windows of one run, drawn with the run's own generator. */
    Windows open(UniformRandomProvider rng, int eventsPerWindow, double mixNoise);

    /** One run's windows. */
    interface Windows {
        /** The next window; {@code changed} is false before the scenario's change point. */
        WindowAccumulator window(String windowId, Scenario scenario, boolean changed);
    }

    /** LPIPS and SSIM from Beta laws ({@link SyntheticScores}). */
    static ScoreSource synthetic() {
        return new ScoreSource() {
            @Override
            public List<Scenario> scenarios() {
                return List.of(Scenario.MEAN_5, Scenario.MEAN_10, Scenario.MEAN_25, Scenario.VARIANCE, Scenario.TAIL,
                        Scenario.NONE);
            }

            @Override
            public List<Metric> metrics() {
                return List.of(Metric.LPIPS, Metric.SSIM);
            }

            @Override
            public Windows open(UniformRandomProvider rng, int eventsPerWindow, double mixNoise) {
                return new SyntheticScores(rng, eventsPerWindow, mixNoise);
            }
        };
    }
}
