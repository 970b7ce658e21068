package dev.perceptwatch.scoring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The scoring resources of one process: the checked model, its session and the shared micro-batcher.
 * Created once at start-up, closed once at shutdown (batcher first, so no batch runs on a closed session).
 */
public final class ScoringEngine implements AutoCloseable {

    /** What the engine needs, in the scoring capability's own terms. */
    public record Options(String model, String modelSha256, List<Path> modelPath, ScoringDevice device,
                          boolean cpuFallback, int intraOpThreads, int batchWorkers, int batchSize,
                          Duration maxWait, int queueCapacity, Set<Metric> metrics) {
        public Options {
            modelPath = List.copyOf(modelPath);
            metrics = Set.copyOf(metrics);
        }
    }

    private final LpipsModel model;
    private final String modelSha256;
    private final MicroBatcher batcher;
    private final PairScorer scorer;

    private ScoringEngine(LpipsModel model, String modelSha256, MicroBatcher batcher, Set<Metric> metrics) {
        this.model = model;
        this.modelSha256 = modelSha256;
        this.batcher = batcher;
        this.scorer = new PairScorer(batcher, metrics);
    }

    /** Resolves and checks the model (failing with the way to obtain it when missing), then loads it. */
    public static ScoringEngine open(Options options, BatchListener listener) {
        ResolvedModel resolved = resolve(options);
        LpipsModel model = LpipsModel.open(resolved, options.device(), options.cpuFallback(),
                options.intraOpThreads());
        try {
            MicroBatcher batcher = new MicroBatcher(model, options.batchSize(), options.maxWait(),
                    options.queueCapacity(), options.batchWorkers(), listener);
            return new ScoringEngine(model, resolved.sha256(), batcher, options.metrics());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Resolves and checks the model as {@link #open} does, without loading it; fails the same way. Returns
     * what was found, for a configuration check.
     */
    public static String check(Options options) {
        ResolvedModel resolved = resolve(options);
        return "model " + resolved.name() + ": " + resolved.file().toAbsolutePath().normalize() + ", sha256 "
                + resolved.sha256() + (options.modelSha256() == null ? " (as the manifest lists)" : " (as pinned)");
    }

    private static ResolvedModel resolve(Options options) {
        ModelResolver resolver = new ModelResolver(ModelManifest.fromClasspath(),
                ModelResolver.searchPath(options.modelPath()));
        return options.modelSha256() == null
                ? resolver.resolve(options.model())
                : resolver.resolve(options.model(), options.modelSha256());
    }

    public LpipsModel model() {
        return model;
    }

    /** The checked sha256 of the loaded model file, recorded with every score. */
    public String modelSha256() {
        return modelSha256;
    }

    public PairScorer scorer() {
        return scorer;
    }

    @Override
    public void close() {
        try {
            batcher.close();
        } finally {
            model.close();
        }
    }
}
