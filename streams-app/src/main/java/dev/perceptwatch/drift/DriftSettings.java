package dev.perceptwatch.drift;

import dev.perceptwatch.scoring.Metric;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * All drift knobs. Defaults are measured for every metric by {@code perceptwatch drift-eval}, on the synthetic
 * generator and on replays of real scores (docs/DETECTION.md).
 *
 * @param warmupWindows       windows pooled into a key's baseline before it freezes
 * @param fireAfterWindows    k: consecutive breaching windows before FIRING (a CRITICAL breach fires at once)
 * @param resolveAfterWindows m: consecutive clean windows before RESOLVED
 * @param minQuantileCount    windows with fewer values are not judged on their p90 (too noisy)
 * @param metrics             per metric, its detector settings
 */
public record DriftSettings(int warmupWindows, int fireAfterWindows, int resolveAfterWindows,
                            long minQuantileCount, Map<Metric, MetricDriftSettings> metrics) {

    public DriftSettings {
        requireAtLeast("warmupWindows", warmupWindows, 2);
        requireAtLeast("fireAfterWindows", fireAfterWindows, 1);
        requireAtLeast("resolveAfterWindows", resolveAfterWindows, 1);
        requireAtLeast("minQuantileCount", minQuantileCount, 1);
        metrics = Map.copyOf(metrics);
        for (Metric metric : Metric.values()) {
            if (!metrics.containsKey(metric)) {
                throw new IllegalArgumentException("drift settings lack metric " + metric.label());
            }
        }
    }

    public static DriftSettings defaults() {
        Map<Metric, MetricDriftSettings> metrics = Arrays.stream(Metric.values())
                .collect(Collectors.toMap(Function.identity(), DriftSettings::defaultsFor));
        return new DriftSettings(120, 1, 3, 50, metrics);
    }

    static MetricDriftSettings defaultsFor(Metric metric) {
        Set<DetectorKind> detectors = MetricDriftSettings.DEFAULT_DETECTORS;
        Direction direction = Direction.defaultFor(metric);
        // Every detector judges a shift against the spread measured in the warm-up (z, calibrated); the
        // relative changes are floors against trivial shifts, in each metric's own scale. LPIPS is the metric
        // that pages on a moderate shift; the other five move with it on a real degradation (PSNR is a
        // function of the same per-pair MSE), so each extra sensitive metric added false pages and no
        // detection on replays of real scores: they page as a backstop for gross changes only (z 7). The
        // exception is feature distance's mean square (z 4.5): of all six statistics it catches a share of
        // much worse outputs soonest, and it added no false page on the replays. The distances are judged on
        // the log scale, where the window statistics of their right-skewed scores are nearly normal. Measured
        // with drift-eval, synthetic and replayed (docs/DETECTION.md).
        return switch (metric) {
            case LPIPS -> new MetricDriftSettings(direction, detectors, 5.0, 3.7, 0.03, 1.0, 6.0, 2, 0.05, 5.0,
                    5.0, 0.10, 0.20, 10.0, true);
            case FEATURE_DISTANCE -> backstop(direction, 0.03, 0.05, 4.5, 0.10, 0.20, true);
            case MSE -> backstop(direction, 0.05, 0.05, 7.0, 0.10, 0.30, true);
            case PSNR -> backstop(direction, 0.02, 0.01, 7.0, 0.05, 0.10, false);
            case SSIM, MS_SSIM -> backstop(direction, 0.01, 0.005, 7.0, 0.02, 0.05, false);
        };
    }

    private static MetricDriftSettings backstop(Direction direction, double minRelativeChange,
                                                double p90RelativeChange, double meanSquareZ,
                                                double naiveRelativeChange, double criticalRelativeChange,
                                                boolean logScale) {
        return new MetricDriftSettings(direction, MetricDriftSettings.DEFAULT_DETECTORS, 7.0, 6.0,
                minRelativeChange, 1.0, 12.0, 2, p90RelativeChange, 7.0, meanSquareZ, naiveRelativeChange,
                criticalRelativeChange, 10.0, logScale);
    }

    public MetricDriftSettings forMetric(Metric metric) {
        return metrics.get(metric);
    }

    /** The settings of the metric of this wire name (a window's or a state's); unknown names fail. */
    public MetricDriftSettings forMetric(String metric) {
        return forMetric(Metric.parse(metric));
    }

    /** The same settings with only {@code detectors} enabled on every metric, and another k. */
    public DriftSettings withDetectors(Set<DetectorKind> detectors, int fireAfter) {
        Map<Metric, MetricDriftSettings> changed = new HashMap<>();
        metrics.forEach((name, s) -> changed.put(name, s.withDetectors(detectors)));
        return new DriftSettings(warmupWindows, fireAfter, resolveAfterWindows, minQuantileCount, changed);
    }

    private static void requireAtLeast(String name, long value, long least) {
        if (value < least) {
            throw new IllegalArgumentException(name + " must be >= " + least + ", got " + value);
        }
    }
}
