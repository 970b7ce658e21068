package dev.perceptwatch.aggregation;

import dev.perceptwatch.scoring.Metric;
import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * One metric over one window: exact count, mean, variance (Welford), min and max, and a DDSketch for
 * quantiles.
 *
 * <p>Sketch: logarithmic mapping with 1% relative accuracy. DDSketch keeps a separate store for negative
 * values (it indexes |x|) and a zero bucket, so every finite value is accepted: slightly negative SSIM
 * included. Each store is a dense store of at most {@value #MAX_BINS} bins collapsing its lowest bins, a
 * range of about 10^17 between the smallest and largest magnitude kept exactly, far beyond MSE's 0..65025.
 * For SSIM and MS-SSIM the sketch holds {@code 1 - value} (see {@link Metric#sketchesComplement()}).
 */
final class MetricAccumulator {

    static final double RELATIVE_ACCURACY = 0.01;
    private static final int MAX_BINS = 2048;
    private static final Supplier<Store> STORE = () -> new CollapsingLowestDenseStore(MAX_BINS);

    private final Metric metric;
    private final DDSketch sketch;
    private long count;
    private double mean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    MetricAccumulator(Metric metric) {
        this(metric, new DDSketch(new LogarithmicMapping(RELATIVE_ACCURACY), STORE));
    }

    private MetricAccumulator(Metric metric, DDSketch sketch) {
        this.metric = metric;
        this.sketch = sketch;
    }

    Metric metric() {
        return metric;
    }

    long count() {
        return count;
    }

    /** Adds one finite value; the caller decides what non-finite values mean (see WindowAccumulator). */
    void add(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(metric.label() + " value " + value + " is not finite");
        }
        count++;
        double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
        min = Math.min(min, value);
        max = Math.max(max, value);
        sketch.accept(metric.sketchesComplement() ? 1 - value : value);
    }

    /** The value at quantile q in [0, 1], clamped to the exact min and max. */
    double quantile(double q) {
        if (count == 0) {
            throw new IllegalStateException("no " + metric.label() + " values in this window");
        }
        double estimate = metric.sketchesComplement()
                ? 1 - sketch.getValueAtQuantile(1 - q)
                : sketch.getValueAtQuantile(q);
        return Math.min(max, Math.max(min, estimate));
    }

    MetricSummary summary() {
        if (count == 0) {
            throw new IllegalStateException("no " + metric.label() + " values in this window");
        }
        return new MetricSummary(metric.label(), count, mean, Math.sqrt(m2 / count), min, max,
                quantile(0.5), quantile(0.9), quantile(0.99));
    }

    /** Layout: count, mean, m2, min, max (big-endian), sketch length, DDSketch's own encoding. */
    void writeTo(DataOutput out) throws IOException {
        out.writeLong(count);
        out.writeDouble(mean);
        out.writeDouble(m2);
        out.writeDouble(min);
        out.writeDouble(max);
        GrowingByteArrayOutput encoded = GrowingByteArrayOutput.withDefaultInitialCapacity();
        sketch.encode(encoded, false);
        out.writeInt(encoded.numWrittenBytes());
        out.write(encoded.backingArray(), 0, encoded.numWrittenBytes());
    }

    static MetricAccumulator readFrom(Metric metric, DataInput in) throws IOException {
        long count = in.readLong();
        double mean = in.readDouble();
        double m2 = in.readDouble();
        double min = in.readDouble();
        double max = in.readDouble();
        byte[] encoded = new byte[in.readInt()];
        in.readFully(encoded);
        MetricAccumulator accumulator = new MetricAccumulator(metric,
                DDSketch.decode(ByteArrayInput.wrap(encoded), STORE));
        accumulator.count = count;
        accumulator.mean = mean;
        accumulator.m2 = m2;
        accumulator.min = min;
        accumulator.max = max;
        return accumulator;
    }
}
