package dev.perceptwatch.drift;

import dev.perceptwatch.scoring.Metric;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * All drift knobs. Defaults are measured for LPIPS by {@code perceptwatch drift-eval} (docs/DETECTION.md);
 * the other metrics' relative thresholds are scaled to their usual spread and are not measured.
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
        // relative changes are floors against trivial shifts, in each metric's own scale: LPIPS, feature
        // distance and MSE are distances, PSNR (dB), SSIM and MS-SSIM sit near their best value, so a 1%
        // drop already matters. Measured on replays of real scores (docs/DETECTION.md).
        return switch (metric) {
            case LPIPS, FEATURE_DISTANCE -> new MetricDriftSettings(direction, detectors, 5.0, 3.8, 0.03, 1.0, 6.0, 2,
                    0.05, 5.0, 0.10, 0.20, 10.0);
            case MSE -> new MetricDriftSettings(direction, detectors, 5.0, 3.8, 0.05, 1.0, 6.0, 2, 0.05, 5.0, 0.10,
                    0.30, 10.0);
            case PSNR -> new MetricDriftSettings(direction, detectors, 5.0, 3.8, 0.02, 1.0, 6.0, 2, 0.01, 5.0, 0.05,
                    0.10, 10.0);
            case SSIM, MS_SSIM -> new MetricDriftSettings(direction, detectors, 5.0, 3.8, 0.01, 1.0, 6.0, 2, 0.005, 5.0,
                    0.02, 0.05, 10.0);
        };
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
