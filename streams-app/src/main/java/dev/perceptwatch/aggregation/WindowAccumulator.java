package dev.perceptwatch.aggregation;

import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.events.WorstExample;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything one window of one key needs for WindowStats and drift detection: scored and dead-lettered
 * event counts, one {@link MetricAccumulator} per metric and the K worst events per metric, with where their images are.
 *
 * <p>Null metrics (not computed) are skipped. PSNR = +Infinity (identical images) is not counted in the
 * PSNR statistics: it would make the mean infinite; such a pair still counts in {@link #count()}. Any other
 * non-finite value is an error naming the event.
 */
public final class WindowAccumulator {

    private static final int DEFAULT_WORST_EVENTS = 5;
    private static final byte FORMAT_VERSION = 2;
    /** Format 1 kept only the worst events' ids; a store restored after an upgrade may still hold it. */
    private static final byte IDS_ONLY_FORMAT = 1;
    private static final List<Metric> METRICS = List.of(Metric.values());

    private final int worstEventsKept;
    private final Map<Metric, MetricAccumulator> metrics = new EnumMap<>(Metric.class);
    private final Map<Metric, WorstEvents> worst = new EnumMap<>(Metric.class);
    private long count;
    private long errors;

    public WindowAccumulator() {
        this(DEFAULT_WORST_EVENTS);
    }

    WindowAccumulator(int worstEventsKept) {
        if (worstEventsKept < 1) {
            throw new IllegalArgumentException("worstEventsKept must be >= 1, got " + worstEventsKept);
        }
        this.worstEventsKept = worstEventsKept;
    }

    public void add(QualityScore score) {
        count++;
        for (Metric metric : METRICS) {
            Double value = metric.valueIn(score);
            if (value == null || (metric == Metric.PSNR && value == Double.POSITIVE_INFINITY)) {
                continue;
            }
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("event " + score.getEventId() + ": " + metric.label()
                        + " is " + value + "; only PSNR may be +Infinity (identical images)");
            }
            metrics.computeIfAbsent(metric, MetricAccumulator::new).add(value);
            worst.computeIfAbsent(metric, m -> new WorstEvents(m, worstEventsKept)).offer(value, score);
        }
    }

    /** Counts a dead-lettered event of this key in this window. */
    public void addError() {
        errors++;
    }

    /** Summaries of the metrics that had at least one counted value, in {@link Metric} order. */
    public List<MetricSummary> summaries() {
        return metrics.values().stream().map(MetricAccumulator::summary).toList();
    }

    /** Up to K event ids with the worst values of the metric, worst first; empty when none. */
    public List<String> worstEventIds(Metric metric) {
        WorstEvents w = worst.get(metric);
        return w == null ? List.of() : w.eventIds();
    }

    /** The closed window as published on perceptwatch.window-stats. */
    public WindowStats toWindowStats(String modelId, String modelVersion, String segment, long windowStart,
                                     long windowEnd) {
        Map<String, List<String>> worstIds = new TreeMap<>();
        Map<String, List<WorstExample>> examples = new TreeMap<>();
        worst.forEach((metric, w) -> {
            worstIds.put(metric.label(), w.eventIds());
            examples.put(metric.label(), w.examples());
        });
        return new WindowStats(modelId, modelVersion, segment, Instant.ofEpochMilli(windowStart),
                Instant.ofEpochMilli(windowEnd), count, errors,
                summaries().stream().map(MetricSummary::toAvro).toList(), worstIds, examples);
    }

    /**
     * Layout (java.io.DataOutput, big-endian): format version byte, K, count, errors, number of metrics,
     * then per metric its wire name (UTF), its {@link MetricAccumulator} and its worst events with their locations.
     */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeInt(worstEventsKept);
            out.writeLong(count);
            out.writeLong(errors);
            out.writeInt(metrics.size());
            for (Map.Entry<Metric, MetricAccumulator> entry : metrics.entrySet()) {
                out.writeUTF(entry.getKey().label());
                entry.getValue().writeTo(out);
                worst.get(entry.getKey()).writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static WindowAccumulator fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION && version != IDS_ONLY_FORMAT) {
                throw new IllegalArgumentException("window accumulator bytes have format version " + version
                        + ", this build reads " + IDS_ONLY_FORMAT + " and " + FORMAT_VERSION);
            }
            WindowAccumulator window = new WindowAccumulator(in.readInt());
            window.count = in.readLong();
            window.errors = in.readLong();
            int metricCount = in.readInt();
            for (int i = 0; i < metricCount; i++) {
                Metric metric = Metric.parse(in.readUTF());
                window.metrics.put(metric, MetricAccumulator.readFrom(metric, in));
                window.worst.put(metric, WorstEvents.readFrom(metric, window.worstEventsKept, in,
                        version == FORMAT_VERSION));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("window accumulator bytes have " + in.available()
                        + " trailing bytes");
            }
            return window;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt window accumulator bytes: " + e.getMessage(), e);
        }
    }
}
