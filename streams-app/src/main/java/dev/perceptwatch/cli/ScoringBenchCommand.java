package dev.perceptwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.imaging.Tensors;
import dev.perceptwatch.scoring.BatchListener;
import dev.perceptwatch.scoring.EncodedPairScorer;
import dev.perceptwatch.scoring.LpipsModel;
import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.scoring.ScoringEngine;
import dev.perceptwatch.scoring.classic.ClassicMetric;
import dev.perceptwatch.scoring.classic.ClassicMetrics;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "scoring", mixinStandardHelpOptions = true,
        description = {"Throughput of the scoring path against its limit, the raw ONNX Runtime throughput.",
                "raw: one session, pre-made tensors of --batch pairs, run back to back (by --batch-workers threads).",
                "full: PNG bytes in, decode, tensors, shared batcher, every requested metric, scores out.",
                "Both with the same model, size and batch, in this one run, alternating --rounds times."})
final class ScoringBenchCommand implements Callable<Integer> {

    @Mixin
    SampleOptions input;
    @Option(names = "--batch", defaultValue = "8", description = "Batch size of both paths (default 8).")
    int batch;
    @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds of each path (default 20).")
    double seconds;
    @Option(names = "--rounds", defaultValue = "4", description = "The two paths alternate this many times, "
            + "--seconds / rounds each, so that a change of machine speed during the run affects both (default 4).")
    int rounds;
    @Option(names = "--warm-up", defaultValue = "10", description = "Unmeasured seconds of the full path first, so "
            + "that the JIT has compiled decoding and the metrics, whose compiler threads share the cores (default 10).")
    double warmUpSeconds;
    @Mixin
    ScoringOptions scoring;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        if (warmUpSeconds < 0) {
            throw new IllegalArgumentException("--warm-up must not be negative, got " + warmUpSeconds);
        }
        if (scoring.batchSize == null) {
            scoring.batchSize = Integer.toString(batch);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<SamplePairs.Sample> samples = input.load();
        out.printf(Locale.ROOT, "%d pairs of %dx%d from %s, batch %d, %.0f s per path, %d cores%n",
                samples.size(), input.size, input.size, input.images, batch, seconds,
                Runtime.getRuntime().availableProcessors());
        try (ScoringEngine engine = scoring.openEngine(BatchListener.NONE);
             EncodedPairScorer scorer = scoring.encodedScorer(engine)) {
            RawModelRun rawRun = new RawModelRun(engine.model(), samples, scoring.engineOptions().batchWorkers());
            for (int i = 0; i < 3; i++) {
                rawRun.pairsPerSecond(0);
            }
            ScoringLoop.pairsPerSecond(scorer, samples, 4 * batch, Long.MAX_VALUE, warmUpSeconds);
            double raw = 0;
            double full = 0;
            for (int round = 1; round <= rounds; round++) {
                double roundRaw = rawRun.pairsPerSecond(seconds / rounds);
                double roundFull = ScoringLoop.pairsPerSecond(scorer, samples, 4 * batch, Long.MAX_VALUE,
                        seconds / rounds);
                out.printf(Locale.ROOT, "round %d: raw %.1f, full %.1f pairs/s (%.0f%%)%n", round, roundRaw,
                        roundFull, 100 * roundFull / roundRaw);
                raw += roundRaw / rounds;
                full += roundFull / rounds;
            }
            out.printf(Locale.ROOT, "raw  %s on %s: %.1f pairs/s%n", engine.model().name(),
                    engine.model().device(), raw);
            out.printf(Locale.ROOT, "full %s: %.1f pairs/s (%.0f%% of raw)%n",
                    engine.scorer().metrics().stream().map(m -> m.label()).sorted().toList(), full, 100 * full / raw);
            PrepTimes prep = PrepTimes.measure(samples.get(0), Metric.classicOf(engine.scorer().metrics()));
            out.printf(Locale.ROOT, "single-threaded: decode %.2f ms per image, classic metrics %.2f ms per pair, "
                    + "ssim alone %.2f ms per %dx%d pair%n", prep.decodeMillis(), prep.classicMillis(),
                    prep.ssimMillis(), input.size, input.size);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("model", engine.model().name());
            figures.put("device", engine.model().device().toString());
            figures.put("size", input.size);
            figures.put("batch", batch);
            figures.put("metrics", engine.scorer().metrics().stream().map(m -> m.label()).sorted().toList());
            figures.put("raw_pairs_per_second", round(raw));
            figures.put("full_pairs_per_second", round(full));
            figures.put("full_to_raw", round(full / raw));
            figures.put("ssim_ms_per_pair", round(prep.ssimMillis()));
            figures.put("decode_ms_per_image", round(prep.decodeMillis()));
            figures.put("classic_ms_per_pair", round(prep.classicMillis()));
            out.println(new ObjectMapper().writeValueAsString(figures));
        }
        return 0;
    }

    /**
     * The limit: one session, pre-made tensors of a batch in direct buffers (handed to ONNX Runtime without a
     * copy, as the batcher's are), run back to back by as many threads as the batcher has workers.
     */
    private final class RawModelRun {
        private final LpipsModel model;
        private final FloatBuffer img0;
        private final FloatBuffer img1;
        private final int workers;

        RawModelRun(LpipsModel model, List<SamplePairs.Sample> samples, int workers) throws Exception {
            this.model = model;
            this.workers = workers;
            int floats = 3 * input.size * input.size;
            img0 = directFloats(batch * floats);
            img1 = directFloats(batch * floats);
            for (int i = 0; i < batch; i++) {
                SamplePairs.Sample sample = samples.get(i % samples.size());
                Tensors.writeNchw(decode(sample.generated()), img0);
                Tensors.writeNchw(decode(sample.reference()), img1);
            }
            img0.flip();
            img1.flip();
        }

        /** Runs batches for {@code runSeconds} (at least one per worker) and returns pairs per second. */
        double pairsPerSecond(double runSeconds) throws Exception {
            long start = System.nanoTime();
            long deadline = start + (long) (runSeconds * 1e9);
            ExecutorService threads = Executors.newFixedThreadPool(workers);
            try {
                List<Future<Long>> scored = new ArrayList<>();
                for (int i = 0; i < workers; i++) {
                    scored.add(threads.submit(() -> runUntil(deadline)));
                }
                long total = 0;
                for (Future<Long> worker : scored) {
                    total += worker.get();
                }
                return total / ((System.nanoTime() - start) / 1e9);
            } finally {
                threads.shutdownNow();
            }
        }

        private long runUntil(long deadline) throws Exception {
            long scored = 0;
            do {
                model.score(input.size, input.size, batch, img0.duplicate(), img1.duplicate(), new boolean[batch]);
                scored += batch;
            } while (System.nanoTime() < deadline);
            return scored;
        }
    }

    /** The CPU the full path spends beside the model, per step, on one thread after JIT warm-up. */
    private record PrepTimes(double decodeMillis, double classicMillis, double ssimMillis) {
        private static final int RUNS = 50;
        // By time, not by count: a step the full path did not run (SSIM with --metrics lpips) needs its
        // loops compiled first.
        private static final long WARM_UP_NANOS = 2_000_000_000L;

        static PrepTimes measure(SamplePairs.Sample sample, Set<ClassicMetric> classic) throws Exception {
            RgbImage a = decode(sample.generated());
            RgbImage b = decode(sample.reference());
            return new PrepTimes(millisPerRun(() -> decode(sample.generated())),
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

    private static FloatBuffer directFloats(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static RgbImage decode(byte[] png) throws Exception {
        return ImageDecoder.decode(png, "sample", ImageLimits.defaults());
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
