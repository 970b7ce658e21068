package dev.perceptwatch.scoring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring resources of one process: the checked model, its session, its backbone and head with the
 * reference feature cache when they are on the model path, and the shared micro-batcher. Created once at
 * start-up, closed once at shutdown (batcher first, so no batch runs on a closed session).
 */
public final class ScoringEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScoringEngine.class);

    /**
     * What the engine needs, in the scoring capability's own terms.
     *
     * @param referenceCacheBytes the bound of the reference feature cache; 0 turns it off
     */
    public record Options(String model, String modelSha256, List<Path> modelPath, ScoringDevice device,
                          boolean cpuFallback, int intraOpThreads, int batchWorkers, int batchSize,
                          Duration maxWait, int queueCapacity, Set<Metric> metrics, long referenceCacheBytes) {
        public Options {
            modelPath = List.copyOf(modelPath);
            metrics = Set.copyOf(metrics);
        }
    }

    private final LpipsModel model;
    private final LpipsSplitModel split;
    private final ReferenceFeatureCache references;
    private final String modelSha256;
    private final MicroBatcher batcher;
    private final Set<Metric> metrics;

    private ScoringEngine(LpipsModel model, LpipsSplitModel split, ReferenceFeatureCache references,
                          String modelSha256, MicroBatcher batcher, Set<Metric> metrics) {
        this.model = model;
        this.split = split;
        this.references = references;
        this.modelSha256 = modelSha256;
        this.batcher = batcher;
        this.metrics = Set.copyOf(metrics);
    }

    /** Resolves and checks the model (failing with the way to obtain it when missing), then loads it. */
    public static ScoringEngine open(Options options, BatchListener listener) {
        ModelResolver resolver = resolver(options);
        ResolvedModel resolved = resolve(options, resolver);
        LpipsModel model = LpipsModel.open(resolved, options.device(), options.cpuFallback(),
                options.intraOpThreads());
        LpipsSplitModel split = null;
        try {
            split = openSplit(options, resolver, resolved, model.device());
            ReferenceFeatureCache references = split == null ? null
                    : new ReferenceFeatureCache(options.referenceCacheBytes(), split);
            MicroBatcher batcher = new MicroBatcher(model,
                    split == null ? null : new MicroBatcher.FeatureReuse(split, references), options.batchSize(),
                    options.maxWait(), options.queueCapacity(), options.batchWorkers(), listener);
            return new ScoringEngine(model, split, references, resolved.sha256(), batcher, options.metrics());
        } catch (RuntimeException e) {
            if (split != null) {
                split.close();
            }
            model.close();
            throw e;
        }
    }

    /** The backbone and head on the full model's device, or null (saying why, once) when the cache is off. */
    private static LpipsSplitModel openSplit(Options options, ModelResolver resolver, ResolvedModel model,
                                             ScoringDevice device) {
        String off = "reference feature cache off: ";
        String fullModel = "; every pair runs the full model";
        if (options.referenceCacheBytes() == 0) {
            LOG.info("{}scoring.reference-cache-bytes is 0{}", off, fullModel);
            return null;
        }
        if (options.modelSha256() != null) {
            LOG.info("{}model '{}' is pinned by scoring.model-sha256 (a self-exported file), and its backbone and"
                    + " head can only be checked against the manifest's shared files{}", off, model.name(), fullModel);
            return null;
        }
        Optional<ResolvedSplit> parts = resolver.resolveSplit(model.name());
        if (parts.isEmpty()) {
            ModelSpec.Split names = model.spec().split();
            LOG.info("{}the backbone and head of model '{}' ({}, {}) are not on the model path ({}){}; see"
                    + " models/README.md to add them", off, model.name(), names.backbone().file(),
                    names.head().file(), resolver.searched(), fullModel);
            return null;
        }
        LpipsSplitModel split = LpipsSplitModel.open(model.name(), model.spec(), parts.get(), device,
                options.intraOpThreads());
        LOG.info("reference feature cache on: up to {} MiB of reference features, shared by every stream thread",
                options.referenceCacheBytes() >> 20);
        return split;
    }

    /**
     * Resolves and checks the model as {@link #open} does, without loading it; fails the same way. Returns
     * what was found, for a configuration check.
     */
    public static String check(Options options) {
        ResolvedModel resolved = resolve(options, resolver(options));
        return "model " + resolved.name() + ": " + resolved.file().toAbsolutePath().normalize() + ", sha256 "
                + resolved.sha256() + (options.modelSha256() == null ? " (as the manifest lists)" : " (as pinned)");
    }

    private static ModelResolver resolver(Options options) {
        return new ModelResolver(ModelManifest.fromClasspath(), ModelResolver.searchPath(options.modelPath()));
    }

    private static ResolvedModel resolve(Options options, ModelResolver resolver) {
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

    /** The metrics every pair is scored on. */
    public Set<Metric> metrics() {
        return metrics;
    }

    MicroBatcher batcher() {
        return batcher;
    }

    /** The reference feature cache, or null when it is off. */
    ReferenceFeatureCache references() {
        return references;
    }

    /** The backbone and head, when the reference feature cache is on. */
    Optional<LpipsSplitModel> splitModel() {
        return Optional.ofNullable(split);
    }

    /** The reference feature cache's counters and size now; {@link ReferenceCacheStats#OFF} when it is off. */
    public ReferenceCacheStats referenceCacheStats() {
        return references == null ? ReferenceCacheStats.OFF : references.stats();
    }

    @Override
    public void close() {
        try {
            batcher.close();
        } finally {
            if (split != null) {
                split.close();
            }
            model.close();
        }
    }
}
