package dev.perceptwatch.commandline;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.SettingsSource;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.scoring.BatchListener;
import dev.perceptwatch.scoring.EncodedPairScorer;
import dev.perceptwatch.scoring.ScoringEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The scoring settings as command-line options for the offline commands. Each option is the setting of the
 * same name, with the same default and validation, so offline and streaming scores agree.
 */
public final class ScoringOptions {
    @Option(names = "--model", description = "Perceptual model: lpips-alex (default) or lpips-squeeze.")
    private String model;
    @Option(names = "--model-path", split = ",", description = "Directories searched for the model before models/ and ../shared/models/.")
    private List<String> modelPath;
    @Option(names = "--model-sha256", description = "Expected sha256 of a model exported elsewhere (replaces the manifest's).")
    private String modelSha256;
    @Option(names = "--device", description = "cpu (default), cuda or cuda:N.")
    private String device;
    @Option(names = "--device-fallback", description = "none (default: fail when the device is missing) or cpu.")
    private String deviceFallback;
    @Option(names = "--metrics", description = "Metrics to compute (default all): lpips,feature_distance,mse,psnr,ssim,ms_ssim.")
    private String metrics;
    @Option(names = "--batch-size", description = "Pairs per model run (default 8).")
    private String batchSize;
    @Option(names = "--max-wait", description = "Longest a pair waits for its batch to fill (default 20ms).")
    private String maxWait;
    @Option(names = "--intra-op-threads",
            description = "ONNX Runtime threads per model run (default: 1 on cpu, the number of cores on cuda).")
    private String intraOpThreads;
    @Option(names = "--batch-workers",
            description = "Model runs at once on the one session (default: the number of cores on cpu, 1 on cuda).")
    private String batchWorkers;
    @Option(names = "--reference-cache-bytes", description = "Bound of the reference feature cache in bytes (default: "
            + "256 MiB, or a quarter of a heap under 1 GiB; at most half the heap; 0 turns it off; docs/SCORING.md).")
    private String referenceCacheBytes;
    @Option(names = "--prep-threads", description = "Threads decoding images and computing classic metrics (default: the number of cores).")
    private String prepThreads;
    @Option(names = "--size-policy", description = "reject (default) or resize-to-reference.")
    private String sizePolicy;
    @Option(names = "--max-bytes", description = "Largest encoded image accepted, in bytes (default 20 MiB).")
    private String maxBytes;
    @Option(names = "--max-pixels", description = "Largest image accepted, in pixels (default "
            + ImageLimits.DEFAULT_MAX_PIXELS + ", 4096 x 4096).")
    private String maxPixels;

    /**
     * A command whose own option sizes the batches (bench scoring's --batch) makes that the batch size, unless
     * --batch-size was given too.
     */
    public void defaultBatchSize(int batch) {
        if (batchSize == null) {
            batchSize = Integer.toString(batch);
        }
    }

    private SettingsSource source() {
        return SettingsSource.of(values());
    }

    /** The options given, as {@code PERCEPTWATCH_*} variables, for a service started in-process with them. */
    public Map<String, String> asEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        values().forEach((key, value) -> environment.put(environmentName(key), value));
        return environment;
    }

    /** The PERCEPTWATCH_* variable that sets a settings key (README, Configuration). */
    public static String environmentName(String key) {
        return "PERCEPTWATCH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        put(values, "scoring.model", model);
        put(values, "scoring.model-path", modelPath == null ? null : String.join(",", modelPath));
        put(values, "scoring.model-sha256", modelSha256);
        put(values, "scoring.device", device);
        put(values, "scoring.device-fallback", deviceFallback);
        put(values, "scoring.metrics", metrics);
        put(values, "scoring.batch-size", batchSize);
        put(values, "scoring.max-wait", maxWait);
        put(values, "scoring.intra-op-threads", intraOpThreads);
        put(values, "scoring.batch-workers", batchWorkers);
        put(values, "scoring.reference-cache-bytes", referenceCacheBytes);
        put(values, "processing.prep-threads", prepThreads);
        put(values, "imaging.size-policy", sizePolicy);
        put(values, "imaging.max-bytes", maxBytes);
        put(values, "imaging.max-pixels", maxPixels);
        return values;
    }

    public ScoringEngine.Options engineOptions() {
        return Settings.scoring(source());
    }

    /** The encoded-pair scorer in front of an engine the caller opened; close the scorer, then the engine. */
    public EncodedPairScorer encodedScorer(ScoringEngine engine) {
        Settings.Imaging imaging = imaging();
        return new EncodedPairScorer(engine, imaging.limits(), imaging.sizePolicy(),
                Settings.processing(source()).prepThreads());
    }

    public Settings.Imaging imaging() {
        return Settings.imaging(source());
    }

    public ScoringEngine openEngine(BatchListener listener) {
        return ScoringEngine.open(engineOptions(), listener);
    }

    private static void put(Map<String, String> values, String key, String value) {
        if (value != null) {
            values.put(key, value);
        }
    }
}
