package dev.perceptwatch.scoring;

import dev.perceptwatch.scoring.classic.ClassicMetric;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The per-pair metrics, by the names used in settings, records and metric labels. */
public enum Metric {
    LPIPS(null),
    FEATURE_DISTANCE(null),
    MSE(ClassicMetric.MSE),
    PSNR(ClassicMetric.PSNR),
    SSIM(ClassicMetric.SSIM),
    MS_SSIM(ClassicMetric.MS_SSIM);

    private final ClassicMetric classic;

    Metric(ClassicMetric classic) {
        this.classic = classic;
    }

    /** lpips, feature_distance, mse, psnr, ssim, ms_ssim. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean perceptual() {
        return classic == null;
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
