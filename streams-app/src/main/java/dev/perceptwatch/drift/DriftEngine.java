package dev.perceptwatch.drift;

import dev.perceptwatch.aggregation.MetricSummary;
import dev.perceptwatch.events.AlertState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Drift detection for closed windows: a pure function of (settings, key, window, stored state). No clock,
 * no randomness, no I/O, so a replayed changelog gives the same alerts.
 */
public final class DriftEngine {

    private final DriftSettings settings;

    public DriftEngine(DriftSettings settings) {
        this.settings = settings;
    }

    /**
     * Judges one closed window of one key. Windows must arrive in window order per key (they do when
     * emitted at window close). A metric absent from the window leaves its state as it was.
     */
    public DriftStep onWindowClosed(DriftKey key, ClosedWindow window, DriftState state) {
        Map<String, MetricDriftState> next = new TreeMap<>(state.metrics());
        List<AlertDecision> alerts = new ArrayList<>();
        for (MetricSummary summary : window.metrics()) {
            settings.forMetric(summary.metric()); // an unknown metric fails here, not silently in warm-up
            MetricDriftState current = next.getOrDefault(summary.metric(), MetricDriftState.NEW);
            if (current.baseline() == null) {
                next.put(summary.metric(), warmUp(current, summary));
            } else {
                next.put(summary.metric(), judge(key, window, summary, current, alerts));
            }
        }
        return new DriftStep(new DriftState(next, state.rebaselinedFrom()), alerts);
    }

    /**
     * An operator's re-baseline ("v7 is meant to look different from {@code from} on"): at the first window
     * that starts at or after {@code from}, every metric of the key forgets its baseline and warms up a new
     * one from this window on, and each open episode resolves, since the baseline it was judged against is
     * gone. Each instant applies once, also across restarts. Nothing changes for a null {@code from}.
     */
    public DriftStep rebaselineIfDue(DriftKey key, ClosedWindow window, DriftState state, Instant from) {
        if (from == null || window.start() < from.toEpochMilli()
                || Long.valueOf(from.toEpochMilli()).equals(state.rebaselinedFrom())) {
            return new DriftStep(state, List.of());
        }
        List<AlertDecision> alerts = new ArrayList<>();
        state.metrics().forEach((metric, current) -> {
            if (current.lifecycle().firing()) {
                alerts.add(closedWithoutWindow(key, metric, current, window,
                        AlertSentences.rebaselined(key, metric, from)));
            }
        });
        return new DriftStep(new DriftState(Map.of(), from.toEpochMilli()), alerts);
    }

    /**
     * Whether the key has had no window for {@code idleAfter} of stream time: a retired version, or one whose
     * producer stopped. Keys still in their first warm-up, never judged, are never idle.
     */
    public boolean idle(DriftState state, long streamTime, Duration idleAfter) {
        OptionalLong lastEnd = state.lastJudgedWindowEnd();
        return lastEnd.isPresent() && lastEnd.getAsLong() + idleAfter.toMillis() <= streamTime;
    }

    /**
     * The states of keys that are not idle, judged against the newest window end among them, which stands in
     * for the stream time when the states were stored (they are read back at a restart, before any window).
     */
    public <K> Map<K, DriftState> notIdle(Map<K, DriftState> states, Duration idleAfter) {
        long newestEnd = states.values().stream().map(DriftState::lastJudgedWindowEnd)
                .filter(OptionalLong::isPresent).mapToLong(OptionalLong::getAsLong).max().orElse(Long.MIN_VALUE);
        Map<K, DriftState> live = new LinkedHashMap<>();
        states.forEach((key, state) -> {
            if (!idle(state, newestEnd, idleAfter)) {
                live.put(key, state);
            }
        });
        return live;
    }

    /**
     * Resolves the open episodes of an idle key: no window will ever resolve them, and a page that cannot end
     * is noise. The baselines stay, so the key is judged again when its windows return.
     */
    public DriftStep resolveIdle(DriftKey key, DriftState state, long streamTime, Duration idleAfter) {
        if (!idle(state, streamTime, idleAfter)) {
            return new DriftStep(state, List.of());
        }
        Map<String, MetricDriftState> next = new TreeMap<>(state.metrics());
        List<AlertDecision> alerts = new ArrayList<>();
        state.metrics().forEach((metric, current) -> {
            if (current.lifecycle().firing()) {
                long lastEnd = current.last().end();
                alerts.add(closedWithoutWindow(key, metric, current,
                        new ClosedWindow(lastEnd, streamTime, List.of(), Map.of()),
                        AlertSentences.idle(key, metric, Instant.ofEpochMilli(lastEnd))));
                next.put(metric, current.withLifecycle(current.lifecycle().closed()));
            }
        });
        return new DriftStep(new DriftState(next, state.rebaselinedFrom()), alerts);
    }

    /** A RESOLVED that no detector judged, over {@code window}'s bounds: statistic and threshold are NaN. */
    private static AlertDecision closedWithoutWindow(DriftKey key, String metric, MetricDriftState current,
                                                     ClosedWindow window, String sentence) {
        Lifecycle episode = current.lifecycle();
        MetricSummary observed = window.metrics().stream().filter(summary -> summary.metric().equals(metric))
                .findFirst().orElse(new MetricSummary(metric, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN, Double.NaN));
        Baseline baseline = current.baseline();
        return new AlertDecision(episode.alertId(), key.modelId(), key.modelVersion(), key.segment(), metric,
                AlertState.RESOLVED, episode.severity(), episode.detector().wireName(), window.start(), window.end(),
                observed,
                baseline.mean(), baseline.std(), baseline.p90(), Double.NaN, Double.NaN,
                window.worstEventIds().getOrDefault(metric, List.of()), sentence);
    }

    private MetricDriftState warmUp(MetricDriftState current, MetricSummary summary) {
        BaselineWarmup warmup = current.warmup().add(summary);
        Baseline frozen = warmup.windows() >= settings.warmupWindows() ? warmup.freeze(summary.metric()) : null;
        return new MetricDriftState(warmup, frozen, CusumState.ZERO, null, current.lifecycle());
    }

    private MetricDriftState judge(DriftKey key, ClosedWindow window, MetricSummary summary,
                                   MetricDriftState current, List<AlertDecision> alerts) {
        MetricDriftSettings metricSettings = settings.forMetric(summary.metric());
        Baseline baseline = current.baseline();
        Map<DetectorKind, DetectorResult> results = new EnumMap<>(DetectorKind.class);
        CusumState cusum = current.cusum();
        LastWindow last = Detectors.lastWindow(summary, window.end(), baseline, metricSettings);
        for (DetectorKind kind : metricSettings.detectors()) {
            switch (kind) {
                case EFFECT_SIZE -> results.put(kind, Detectors.effectSize(summary, baseline, metricSettings));
                case TWO_WINDOW -> results.put(kind,
                        Detectors.twoWindow(last, window.start(), current.last(), baseline, metricSettings));
                case CUSUM -> {
                    Detectors.CusumStep step = Detectors.cusum(summary, baseline, metricSettings, cusum);
                    results.put(kind, step.result());
                    cusum = step.state();
                }
                case P90_SHIFT -> results.put(kind,
                        Detectors.p90Shift(summary, baseline, metricSettings, settings.minQuantileCount()));
                case MEAN_SQUARE -> results.put(kind, Detectors.meanSquare(summary, baseline, metricSettings));
                case NAIVE_THRESHOLD -> results.put(kind, Detectors.naiveThreshold(summary, baseline, metricSettings));
            }
        }
        Lifecycle.Verdict verdict = verdict(results.values(), metricSettings);
        String alertId = key.path() + "/" + summary.metric() + "/" + window.start();
        Lifecycle.Transition transition = current.lifecycle().step(verdict, settings.fireAfterWindows(),
                settings.resolveAfterWindows(), alertId);
        if (transition.emitted() != null) {
            alerts.add(decision(key, window, summary, baseline, metricSettings.direction(), transition, results));
        }
        return new MetricDriftState(current.warmup(), baseline, cusum, last, transition.next());
    }

    private static Lifecycle.Verdict verdict(Iterable<DetectorResult> results, MetricDriftSettings settings) {
        DetectorResult lead = null;
        boolean critical = false;
        for (DetectorResult result : results) {
            if (result.breach()) {
                critical |= result.critical(settings);
                if (lead == null || result.margin() > lead.margin()) {
                    lead = result;
                }
            }
        }
        return new Lifecycle.Verdict(lead != null, critical, lead);
    }

    /** The value a detector watches, in the baseline and in the window, as its alert's sentence states them. */
    private record Watched(double baseline, double observed) {
    }

    private static Watched watched(DetectorKind detector, MetricSummary summary, Baseline baseline) {
        return switch (detector) {
            case P90_SHIFT -> new Watched(baseline.p90(), summary.p90());
            case MEAN_SQUARE -> new Watched(Detectors.rootMeanSquare(baseline),
                    Math.sqrt(Detectors.meanSquareWithoutWorst(summary)));
            default -> new Watched(baseline.mean(), summary.mean());
        };
    }

    private static AlertDecision decision(DriftKey key, ClosedWindow window, MetricSummary summary, Baseline baseline,
                                          Direction direction, Lifecycle.Transition transition,
                                          Map<DetectorKind, DetectorResult> results) {
        Lifecycle episode = transition.next();
        DetectorResult result = results.get(episode.detector());
        Watched watched = watched(episode.detector(), summary, baseline);
        double baselineValue = watched.baseline();
        double observedValue = watched.observed();
        String sentence = transition.emitted() == AlertState.FIRING
                ? AlertSentences.firing(key, summary.metric(), episode.detector(), direction, baselineValue,
                        observedValue, episode.breachRun())
                : AlertSentences.resolved(key, summary.metric(), episode.detector(), baselineValue, observedValue,
                        episode.episodeWindows());
        return new AlertDecision(episode.alertId(), key.modelId(), key.modelVersion(), key.segment(),
                summary.metric(), transition.emitted(), episode.severity(), episode.detector().wireName(),
                window.start(), window.end(), summary, baseline.mean(), baseline.std(), baseline.p90(),
                result.statistic(), result.threshold(),
                window.worstEventIds().getOrDefault(summary.metric(), List.of()), sentence);
    }
}
