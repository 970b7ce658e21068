package dev.perceptwatch.scoring;

import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.scoring.classic.ClassicMetric;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The catalogue of per-pair metrics, the one place that says of each: its wire name ({@link #label()}: in
 * settings, score records' fields, Prometheus labels and CSV columns), which way is worse, where a pair's scores
 * and a score record hold its value, whether window sketches hold its complement, and its unit.
 */
public enum Metric {
    LPIPS(null, true, false, "", PairScores::lpips, QualityScore::getLpips),
    FEATURE_DISTANCE(null, true, false, "", PairScores::featureDistance, QualityScore::getFeatureDistance),
    MSE(ClassicMetric.MSE, true, false, "", scores -> scores.classic().mse(), QualityScore::getMse),
    PSNR(ClassicMetric.PSNR, false, false, "dB", scores -> scores.classic().psnr(), QualityScore::getPsnr),
    SSIM(ClassicMetric.SSIM, false, true, "", scores -> scores.classic().ssim(), QualityScore::getSsim),
    MS_SSIM(ClassicMetric.MS_SSIM, false, true, "", scores -> scores.classic().msSsim(), QualityScore::getMsSsim);

    private final ClassicMetric classic;
    private final boolean higherIsWorse;
    private final boolean sketchesComplement;
    private final String unit;
    private final Function<PairScores, Double> inPair;
    private final Function<QualityScore, Double> inRecord;

    Metric(ClassicMetric classic, boolean higherIsWorse, boolean sketchesComplement, String unit,
           Function<PairScores, Double> inPair, Function<QualityScore, Double> inRecord) {
        this.classic = classic;
        this.higherIsWorse = higherIsWorse;
        this.sketchesComplement = sketchesComplement;
        this.unit = unit;
        this.inPair = inPair;
        this.inRecord = inRecord;
    }

    /** lpips, feature_distance, mse, psnr, ssim, ms_ssim. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean perceptual() {
        return classic == null;
    }

    /** True for distances (LPIPS, feature distance, MSE), false for similarities (PSNR, SSIM, MS-SSIM). */
    public boolean higherIsWorse() {
        return higherIsWorse;
    }

    /**
     * SSIM and MS-SSIM live in [-1, 1] and cluster just below 1, where a relative-accuracy sketch is
     * coarsest in absolute terms (1% of 0.95 is 0.0095). Sketching {@code 1 - value} instead puts the
     * sketch's relative accuracy on the distance from a perfect score.
     */
    public boolean sketchesComplement() {
        return sketchesComplement;
    }

    /** The unit a value is shown with: dB for PSNR; empty for the others, which have none. */
    public String unit() {
        return unit;
    }

    /** The metric's value among a pair's scores, or null when it was not computed. */
    public Double valueIn(PairScores scores) {
        return inPair.apply(scores);
    }

    /** The metric's value in a score record, or null when the scorer did not compute it. */
    public Double valueIn(QualityScore score) {
        return inRecord.apply(score);
    }

    public static Metric parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(m -> m.label().equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown metric '" + text + "'; known: "
                        + Arrays.stream(values()).map(Metric::label).collect(Collectors.joining(", "))));
    }

    public static Set<Metric> parseAll(List<String> names) {
        Set<Metric> metrics = EnumSet.noneOf(Metric.class);
        names.forEach(name -> metrics.add(parse(name)));
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("at least one metric is needed");
        }
        return metrics;
    }

    /** The classic metrics among {@code metrics}, as {@code ClassicMetrics.compute} takes them. */
    public static Set<ClassicMetric> classicOf(Set<Metric> metrics) {
        Set<ClassicMetric> classic = EnumSet.noneOf(ClassicMetric.class);
        metrics.stream().filter(m -> m.classic != null).forEach(m -> classic.add(m.classic));
        return classic;
    }
}
