package dev.perceptwatch.cli;

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
final class ScoringOptions {
    @Option(names = "--model", description = "Perceptual model: lpips-alex (default) or lpips-squeeze.")
    String model;
    @Option(names = "--model-path", split = ",", description = "Directories searched for the model before models/ and ../shared/models/.")
    List<String> modelPath;
    @Option(names = "--model-sha256", description = "Expected sha256 of a model exported elsewhere (replaces the manifest's).")
    String modelSha256;
    @Option(names = "--device", description = "cpu (default), cuda or cuda:N.")
    String device;
    @Option(names = "--device-fallback", description = "none (default: fail when the device is missing) or cpu.")
    String deviceFallback;
    @Option(names = "--metrics", description = "Metrics to compute (default all): lpips,feature_distance,mse,psnr,ssim,ms_ssim.")
    String metrics;
    @Option(names = "--batch-size", description = "Pairs per model run (default 8).")
    String batchSize;
    @Option(names = "--max-wait", description = "Longest a pair waits for its batch to fill (default 20ms).")
    String maxWait;
    @Option(names = "--intra-op-threads",
            description = "ONNX Runtime threads per model run (default: 1 on cpu, the number of cores on cuda).")
    String intraOpThreads;
    @Option(names = "--batch-workers",
            description = "Model runs at once on the one session (default: the number of cores on cpu, 1 on cuda).")
    String batchWorkers;
    @Option(names = "--reference-cache-bytes", description = "Bound of the reference feature cache in bytes (default: "
            + "256 MiB, or a quarter of a heap under 1 GiB; at most half the heap; 0 turns it off; docs/SCORING.md).")
    String referenceCacheBytes;
    @Option(names = "--prep-threads", description = "Threads decoding images and computing classic metrics (default: the number of cores).")
    String prepThreads;
    @Option(names = "--size-policy", description = "reject (default) or resize-to-reference.")
    String sizePolicy;
    @Option(names = "--max-bytes", description = "Largest encoded image accepted, in bytes (default 20 MiB).")
    String maxBytes;
    @Option(names = "--max-pixels", description = "Largest image accepted, in pixels (default "
            + ImageLimits.DEFAULT_MAX_PIXELS + ", 4096 x 4096).")
    String maxPixels;

    private SettingsSource source() {
        return SettingsSource.of(values());
    }

    /** The options given, as {@code PERCEPTWATCH_*} variables, for a service started in-process with them. */
    Map<String, String> asEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        values().forEach((key, value) -> environment.put(environmentName(key), value));
        return environment;
    }

    /** The PERCEPTWATCH_* variable that sets a settings key (README, Configuration). */
    static String environmentName(String key) {
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

    ScoringEngine.Options engineOptions() {
        return Settings.scoring(source());
    }

    /** The encoded-pair scorer in front of an engine the caller opened; close the scorer, then the engine. */
    EncodedPairScorer encodedScorer(ScoringEngine engine) {
        Settings.Imaging imaging = imaging();
        return new EncodedPairScorer(engine, imaging.limits(), imaging.sizePolicy(),
                Settings.processing(source()).prepThreads());
    }

    Settings.Imaging imaging() {
        return Settings.imaging(source());
    }

    ScoringEngine openEngine(BatchListener listener) {
        return ScoringEngine.open(engineOptions(), listener);
    }

    /** The engine as the options say, but with the reference feature cache off: today's full-model path. */
    ScoringEngine openEngineWithoutReferenceCache(BatchListener listener) {
        ScoringEngine.Options chosen = engineOptions();
        return ScoringEngine.open(new ScoringEngine.Options(chosen.model(), chosen.modelSha256(), chosen.modelPath(),
                chosen.device(), chosen.cpuFallback(), chosen.intraOpThreads(), chosen.batchWorkers(),
                chosen.batchSize(), chosen.maxWait(), chosen.queueCapacity(), chosen.metrics(), 0), listener);
    }

    private static void put(Map<String, String> values, String key, String value) {
        if (value != null) {
            values.put(key, value);
        }
    }
}
