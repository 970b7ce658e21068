package dev.perceptwatch.bench;

import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.scoring.BatchListener;
import dev.perceptwatch.scoring.EncodedPairScorer;
import dev.perceptwatch.scoring.EncodedPairScorer.EncodedImages;
import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.scoring.ModelLimits;
import dev.perceptwatch.scoring.ReferenceCacheStats;
import dev.perceptwatch.scoring.ScoringEngine;
import dev.perceptwatch.scoring.classic.ClassicMetric;
import dev.perceptwatch.scoring.classic.ClassicMetrics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "scoring", mixinStandardHelpOptions = true,
        description = {"Throughput of the scoring path against its limits, the raw ONNX Runtime throughputs.",
                "raw: the full model, pre-made tensors of --batch pairs, run back to back (by --batch-workers threads).",
                "split raw: the backbone once per pair and the head, the references' features computed beforehand.",
                "full: PNG bytes in, decode, tensors, shared batcher, every requested metric, scores out, with the "
                        + "reference feature cache off (the full model for every pair).",
                "cached: the same with the cache on; each reference is used by --reference-reuse pairs in a row.",
                "All with the same model, size and batch, in this one run, alternating --rounds times."})
final class ScoringBenchCommand implements Callable<Integer> {

    @Mixin
    BenchOptions input;
    @Option(names = "--batch", defaultValue = "8", description = "Batch size of every path (default 8).")
    int batch;
    @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds of each path (default 20).")
    double seconds;
    @Option(names = "--rounds", defaultValue = "4", description = "The paths alternate this many times, "
            + "--seconds / rounds each, so that a change of machine speed during the run affects all (default 4).")
    int rounds;
    @Option(names = "--warm-up", defaultValue = "10", description = "Unmeasured seconds of each full path first, so "
            + "that the JIT has compiled decoding and the metrics, whose compiler threads share the cores (default 10).")
    double warmUpSeconds;
    @Option(names = "--reference-reuse", defaultValue = "1", description = "Pairs that use each reference, in a row "
            + "(default 1: every pair brings a reference of its own, today's workload without reuse).")
    int referenceReuse;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        if (warmUpSeconds < 0) {
            throw new IllegalArgumentException("--warm-up must not be negative, got " + warmUpSeconds);
        }
        input.scoring.defaultBatchSize(batch);
        PrintWriter out = input.out();
        ReusedReferences pairs = ReusedReferences.of(input.images, input.size, input.pairs, referenceReuse);
        out.printf(Locale.ROOT, "%d tiles of %dx%d from %s, each reference used by %d pair(s), batch %d, %.0f s per "
                        + "path, %d cores%n", pairs.tiles(), input.size, input.size, input.images, referenceReuse, batch,
                seconds, Runtime.getRuntime().availableProcessors());
        int workers = input.scoring.engineOptions().batchWorkers();
        try (ScoringEngine today = openWithoutReferenceCache();
             EncodedPairScorer todayScorer = input.scoring.encodedScorer(today);
             ScoringEngine cached = input.scoring.openEngine(BatchListener.NONE);
             EncodedPairScorer cachedScorer = input.scoring.encodedScorer(cached)) {
            List<RgbImage> generated = new ArrayList<>();
            List<RgbImage> references = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                generated.add(decode(pairs.pair(i).generated()));
                references.add(decode(pairs.pair(i).reference()));
            }
            ModelLimits rawRun = ModelLimits.fullModel(today, generated, references, workers);
            ModelLimits splitRun = ModelLimits.splitModel(cached, generated, references, workers);
            for (int i = 0; i < 3; i++) {
                rawRun.pairsPerSecond(0);
                splitRun.pairsPerSecond(0);
            }
            Supplier<EncodedImages> todayPairs = pairs.stream();
            Supplier<EncodedImages> cachedPairs = pairs.stream();
            int inFlight = 4 * batch;
            ScoringLoop.pairsPerSecond(todayScorer, todayPairs, inFlight, Long.MAX_VALUE, warmUpSeconds);
            ScoringLoop.pairsPerSecond(cachedScorer, cachedPairs, inFlight, Long.MAX_VALUE, warmUpSeconds);
            ReferenceCacheStats warm = cached.referenceCacheStats();
            double raw = 0;
            double splitRaw = 0;
            double full = 0;
            double withCache = 0;
            double share = seconds / rounds;
            for (int round = 1; round <= rounds; round++) {
                double roundRaw = rawRun.pairsPerSecond(share);
                double roundSplit = splitRun.pairsPerSecond(share);
                double roundFull = ScoringLoop.pairsPerSecond(todayScorer, todayPairs, inFlight, Long.MAX_VALUE, share);
                double roundCached = ScoringLoop.pairsPerSecond(cachedScorer, cachedPairs, inFlight, Long.MAX_VALUE,
                        share);
                out.printf(Locale.ROOT, "round %d: raw %.1f, split raw %.1f, full %.1f, cached %.1f pairs/s (full %.0f%%,"
                                + " cached %.0f%% of raw)%n", round, roundRaw, roundSplit, roundFull, roundCached,
                        100 * roundFull / roundRaw, 100 * roundCached / roundRaw);
                out.flush();
                raw += roundRaw / rounds;
                splitRaw += roundSplit / rounds;
                full += roundFull / rounds;
                withCache += roundCached / rounds;
            }
            ReferenceCacheStats stats = cached.referenceCacheStats();
            long hits = stats.hits() - warm.hits();
            long misses = stats.misses() - warm.misses();
            long computed = stats.computed() - warm.computed();
            List<String> metrics = today.metrics().stream().map(Metric::label).sorted().toList();
            out.printf(Locale.ROOT, "raw       %s on %s, full model: %.1f pairs/s%n", today.model().name(),
                    today.model().device(), raw);
            out.printf(Locale.ROOT, "split raw backbone once per pair + head, references precomputed: %.1f pairs/s "
                    + "(%.2fx raw)%n", splitRaw, splitRaw / raw);
            out.printf(Locale.ROOT, "full      %s, cache off: %.1f pairs/s (%.0f%% of raw)%n", metrics, full,
                    100 * full / raw);
            out.printf(Locale.ROOT, "cached    %s, each reference used by %d: %.1f pairs/s (%.2fx raw, %.2fx full); "
                            + "measured rounds: %d hits, %d misses, %d references through the backbone, cache %.0f MiB "
                            + "of %.0f%n", metrics, referenceReuse, withCache, withCache / raw, withCache / full, hits,
                    misses, computed, stats.bytes() / 1048576.0, stats.maxBytes() / 1048576.0);
            PrepTimes prep = PrepTimes.measure(pairs.pair(0), Metric.classicOf(today.metrics()));
            out.printf(Locale.ROOT, "single-threaded: decode %.2f ms per image, classic metrics %.2f ms per pair, "
                    + "ssim alone %.2f ms per %dx%d pair%n", prep.decodeMillis(), prep.classicMillis(),
                    prep.ssimMillis(), input.size, input.size);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("model", today.model().name());
            figures.put("device", today.model().device().toString());
            figures.put("size", input.size);
            figures.put("batch", batch);
            figures.put("metrics", metrics);
            figures.put("reference_reuse", referenceReuse);
            figures.put("raw_pairs_per_second", Figures.round(raw));
            figures.put("split_raw_pairs_per_second", Figures.round(splitRaw));
            figures.put("full_pairs_per_second", Figures.round(full));
            figures.put("cached_pairs_per_second", Figures.round(withCache));
            figures.put("split_raw_to_raw", Figures.round(splitRaw / raw));
            figures.put("full_to_raw", Figures.round(full / raw));
            figures.put("cached_to_raw", Figures.round(withCache / raw));
            figures.put("cached_to_full", Figures.round(withCache / full));
            figures.put("cache_hits", hits);
            figures.put("cache_misses", misses);
            figures.put("references_computed", computed);
            figures.put("cache_bytes", stats.bytes());
            figures.put("cache_max_bytes", stats.maxBytes());
            figures.put("ssim_ms_per_pair", Figures.round(prep.ssimMillis()));
            figures.put("decode_ms_per_image", Figures.round(prep.decodeMillis()));
            figures.put("classic_ms_per_pair", Figures.round(prep.classicMillis()));
            Figures.print(figures, out);
        }
        return 0;
    }

    /** The engine as the options say, but with the reference feature cache off: today's full-model path. */
    private ScoringEngine openWithoutReferenceCache() {
        ScoringEngine.Options chosen = input.scoring.engineOptions();
        return ScoringEngine.open(new ScoringEngine.Options(chosen.model(), chosen.modelSha256(), chosen.modelPath(),
                chosen.device(), chosen.cpuFallback(), chosen.intraOpThreads(), chosen.batchWorkers(),
                chosen.batchSize(), chosen.maxWait(), chosen.queueCapacity(), chosen.metrics(), 0), BatchListener.NONE);
    }

    /** The CPU the full path spends beside the model, per step, on one thread after JIT warm-up. */
    private record PrepTimes(double decodeMillis, double classicMillis, double ssimMillis) {
        private static final int RUNS = 50;
        // By time, not by count: a step the full path did not run (SSIM with --metrics lpips) needs its
        // loops compiled first.
        private static final long WARM_UP_NANOS = 2_000_000_000L;

        static PrepTimes measure(EncodedImages pair, Set<ClassicMetric> classic) throws Exception {
            RgbImage a = decode(pair.generated());
            RgbImage b = decode(pair.reference());
            return new PrepTimes(millisPerRun(() -> decode(pair.generated())),
                    millisPerRun(() -> ClassicMetrics.compute(a, b, classic)),
                    millisPerRun(() -> ClassicMetrics.compute(a, b, Set.of(ClassicMetric.SSIM))));
        }

        private static double millisPerRun(Callable<?> step) throws Exception {
            long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
            while (System.nanoTime() < warmUpEnd) {
                step.call();
            }
            long start = System.nanoTime();
            for (int i = 0; i < RUNS; i++) {
                step.call();
            }
            return (System.nanoTime() - start) / 1e6 / RUNS;
        }
    }

    private static RgbImage decode(byte[] png) throws Exception {
        return ImageDecoder.decode(png, "sample", ImageLimits.defaults());
    }
}
