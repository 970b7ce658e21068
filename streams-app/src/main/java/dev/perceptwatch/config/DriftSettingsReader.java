package dev.perceptwatch.config;

import dev.perceptwatch.drift.DetectorKind;
import dev.perceptwatch.drift.Direction;
import dev.perceptwatch.drift.DriftSettings;
import dev.perceptwatch.drift.MetricDriftSettings;
import dev.perceptwatch.scoring.Metric;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The {@code drift.*} settings: global lifecycle knobs, per-metric detector knobs, pinned baselines. */
final class DriftSettingsReader {
    private static final List<String> METRIC_KNOBS = List.of("detectors", "direction", "effect-size-z",
            "two-window-z", "min-relative-change", "cusum-reference", "cusum-decision", "cusum-headroom",
            "p90-relative-change", "p90-z", "mean-square-z", "naive-relative-change", "critical-relative-change",
            "critical-z", "log-scale");

    /** Every detector's wire name, in the enum's order, for the error that names the valid ones. */
    private static final String DETECTOR_NAMES = Arrays.stream(DetectorKind.values()).map(DetectorKind::wireName)
            .collect(Collectors.joining(", "));

    private DriftSettingsReader() {
    }

    static List<String> keys() {
        Stream<String> global = Stream.of("drift.warmup-windows", "drift.fire-after-windows",
                "drift.resolve-after-windows", "drift.min-quantile-count", "drift.pinned-baselines", "drift.rebaselines",
                "drift.idle-after");
        Stream<String> perMetric = Arrays.stream(Metric.values())
                .flatMap(metric -> METRIC_KNOBS.stream().map(knob -> "drift." + metric.label() + "." + knob));
        return Stream.concat(global, perMetric).toList();
    }

    static Settings.Drift read(SettingsSource s) {
        DriftSettings defaults = DriftSettings.defaults();
        Map<Metric, MetricDriftSettings> metrics = new HashMap<>();
        for (Metric metric : Metric.values()) {
            metrics.put(metric, metric(s, metric.label(), defaults.forMetric(metric)));
        }
        try {
            DriftSettings detection = new DriftSettings(
                    s.intValue("drift.warmup-windows", defaults.warmupWindows(), 2, 100_000),
                    s.intValue("drift.fire-after-windows", defaults.fireAfterWindows(), 1, 1000),
                    s.intValue("drift.resolve-after-windows", defaults.resolveAfterWindows(), 1, 1000),
                    s.longValue("drift.min-quantile-count", defaults.minQuantileCount(), 1),
                    metrics);
            return new Settings.Drift(detection, pins(s), rebaselines(s),
                    Settings.positive(s, "drift.idle-after", Duration.ofMinutes(30)));
        } catch (IllegalArgumentException e) {
            throw new SettingsException("drift: " + e.getMessage());
        }
    }

    private static MetricDriftSettings metric(SettingsSource s, String metric, MetricDriftSettings d) {
        String prefix = "drift." + metric + ".";
        Set<DetectorKind> detectors = d.detectors();
        List<String> names = s.list(prefix + "detectors", null);
        if (names != null) {
            detectors = EnumSet.noneOf(DetectorKind.class);
            for (String name : names) {
                detectors.add(Arrays.stream(DetectorKind.values()).filter(k -> k.wireName().equals(name)).findFirst()
                        .orElseThrow(() -> new SettingsException(prefix + "detectors: unknown detector '" + name
                                + "' (" + DETECTOR_NAMES + ")")));
            }
        }
        Direction direction = s.enumValue(prefix + "direction", d.direction(),
                text -> Direction.valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
        try {
            return new MetricDriftSettings(direction, detectors,
                    s.doubleValue(prefix + "effect-size-z", d.effectSizeZ()),
                    s.doubleValue(prefix + "two-window-z", d.twoWindowZ()),
                    s.doubleValue(prefix + "min-relative-change", d.minRelativeChange()),
                    s.doubleValue(prefix + "cusum-reference", d.cusumReference()),
                    s.doubleValue(prefix + "cusum-decision", d.cusumDecision()),
                    s.doubleValue(prefix + "cusum-headroom", d.cusumHeadroom()),
                    s.doubleValue(prefix + "p90-relative-change", d.p90RelativeChange()),
                    s.doubleValue(prefix + "p90-z", d.p90Z()),
                    s.doubleValue(prefix + "mean-square-z", d.meanSquareZ()),
                    s.doubleValue(prefix + "naive-relative-change", d.naiveRelativeChange()),
                    s.doubleValue(prefix + "critical-relative-change", d.criticalRelativeChange()),
                    s.doubleValue(prefix + "critical-z", d.criticalZ()),
                    s.booleanValue(prefix + "log-scale", d.logScale()));
        } catch (IllegalArgumentException e) {
            throw new SettingsException(prefix + "*: " + e.getMessage());
        }
    }

    /** {@code model:version@instant,...}: windows of model/version from instant on warm up a new baseline. */
    private static Map<String, Map<String, Instant>> rebaselines(SettingsSource s) {
        Map<String, Map<String, Instant>> rebaselines = new HashMap<>();
        for (String entry : s.list("drift.rebaselines", List.of())) {
            int colon = entry.indexOf(':');
            int at = entry.lastIndexOf('@');
            if (colon < 1 || at < colon + 2 || at == entry.length() - 1) {
                throw new SettingsException("drift.rebaselines: '" + entry
                        + "' is not model:version@instant (e.g. faces:v7@2026-12-02T10:00:00Z)");
            }
            Instant from;
            try {
                from = Instant.parse(entry.substring(at + 1).trim());
            } catch (DateTimeParseException e) {
                throw new SettingsException("drift.rebaselines: '" + entry + "': the instant is not ISO-8601 UTC,"
                        + " e.g. 2026-12-02T10:00:00Z");
            }
            rebaselines.computeIfAbsent(entry.substring(0, colon).trim(), k -> new HashMap<>())
                    .put(entry.substring(colon + 1, at).trim(), from);
        }
        return rebaselines;
    }

    /** {@code model:version=otherVersion,...}: judge model/version against otherVersion's baseline. */
    private static Map<String, Map<String, String>> pins(SettingsSource s) {
        Map<String, Map<String, String>> pins = new HashMap<>();
        for (String entry : s.list("drift.pinned-baselines", List.of())) {
            String[] parts = entry.split("[:=]");
            if (parts.length != 3 || Arrays.stream(parts).anyMatch(String::isBlank)) {
                throw new SettingsException("drift.pinned-baselines: '" + entry
                        + "' is not model:version=baseline-version");
            }
            pins.computeIfAbsent(parts[0].trim(), k -> new HashMap<>()).put(parts[1].trim(), parts[2].trim());
        }
        return pins;
    }
}
