package dev.perceptwatch.drift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.perceptwatch.events.Severity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Everything drift detection remembers for one key (model, version, segment): per metric the warm-up sums
 * or frozen baseline, the CUSUM and the alert lifecycle. Immutable. Bytes are UTF-8 JSON, so a state store
 * entry can be read by a person and new fields can be added with defaults.
 *
 * @param metrics         per metric: warm-up or frozen baseline, CUSUM, last window, alert lifecycle
 * @param rebaselinedFrom the instant (epoch ms) of the last re-baseline applied, so that each configured
 *                        instant applies once; null when none was (and in state written before re-baselines)
 */
public record DriftState(Map<String, MetricDriftState> metrics, Long rebaselinedFrom) {

    public static final DriftState EMPTY = new DriftState(Map.of(), null);

    // Configured once, never changed: ObjectMapper is then safe to share between threads.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public DriftState {
        metrics = Map.copyOf(new TreeMap<>(metrics));
    }

    /** The frozen baseline of a metric, or null while it is still warming up. */
    public Baseline baseline(String metric) {
        MetricDriftState state = metrics.get(metric);
        return state == null ? null : state.baseline();
    }

    /** The end of the newest window any metric was judged on; empty while every metric is in its first warm-up. */
    public OptionalLong lastJudgedWindowEnd() {
        return metrics.values().stream().filter(metric -> metric.last() != null)
                .mapToLong(metric -> metric.last().end()).max();
    }

    /** Whether an alert episode is open for the metric. */
    public boolean firing(String metric) {
        MetricDriftState state = metrics.get(metric);
        return state != null && state.lifecycle().firing();
    }

    /**
     * The severity the open alert episode of the metric fired with (kept in the stored lifecycle, so it
     * survives a restart), or null when no episode is open. An episode keeps the severity it fired with.
     */
    public Severity firingSeverity(String metric) {
        if (!firing(metric)) {
            return null;
        }
        Severity severity = metrics.get(metric).lifecycle().severity();
        // Every stored firing lifecycle has one; should one lack it, report the lower severity.
        return severity == null ? Severity.WARNING : severity;
    }

    /**
     * Judges this key against another version's frozen baselines ("compare v7 against v6") instead of its
     * own warm-up. Only metrics without a baseline here take the other's: applied to every window, this
     * leaves the CUSUM and the last window of an adopted baseline alone, since restarting them each window
     * would blind the detectors that need more than one window. Metrics without a baseline there keep
     * warming up here. An open alert episode stays open.
     */
    public DriftState pinnedTo(DriftState otherVersion, String otherVersionName) {
        Map<String, MetricDriftState> pinned = new TreeMap<>(metrics);
        otherVersion.metrics.forEach((metric, other) -> {
            if (other.baseline() != null && baseline(metric) == null) {
                pinned.put(metric, pinned.getOrDefault(metric, MetricDriftState.NEW)
                        .withBaseline(other.baseline().pinnedFrom(otherVersionName)));
            }
        });
        return new DriftState(pinned, rebaselinedFrom);
    }

    public byte[] toBytes() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DriftState fromBytes(byte[] bytes) {
        try {
            return JSON.readValue(bytes, DriftState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt drift state bytes: " + e.getMessage(), e);
        }
    }
}
