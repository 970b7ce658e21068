package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.imaging.Tensors;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The model's own throughput on prepared tensors: the ceiling that {@code bench scoring} measures the scoring
 * path against. One batch of pre-made tensors in direct buffers (handed to ONNX Runtime without a copy, as the
 * batcher's are), run back to back on the engine's own session by as many threads as the batcher has workers.
 * It is benchmark code kept in this package so that the model's tensor-level entry points stay package-private.
 */
public final class ModelLimits {
    private final int batch;
    private final int workers;
    private final Callable<Runnable> perThread;

    private ModelLimits(int batch, int workers, Callable<Runnable> perThread) {
        this.batch = batch;
        this.workers = workers;
        this.perThread = perThread;
    }

    /** The full model on the pairs (generated.get(i), references.get(i)), all of one size: the raw limit. */
    public static ModelLimits fullModel(ScoringEngine engine, List<RgbImage> generated, List<RgbImage> references,
                                        int workers) {
        Batch pairs = Batch.of(generated, references);
        LpipsModel model = engine.model();
        FloatBuffer img0 = pairs.tensor(generated);
        FloatBuffer img1 = pairs.tensor(references);
        return new ModelLimits(pairs.size(), workers, () -> () -> model.score(pairs.width(), pairs.height(),
                pairs.size(), img0.duplicate(), img1.duplicate(), new boolean[pairs.size()]));
    }

    /**
     * The split model, references' feature maps made once beforehand: per batch one backbone run over the
     * generated images and one head run, every thread writing its own feature buffers as a batcher worker does
     * (the split raw limit).
     *
     * @throws IllegalArgumentException when the engine's reference feature cache is off (no split model)
     */
    public static ModelLimits splitModel(ScoringEngine engine, List<RgbImage> generated, List<RgbImage> references,
                                         int workers) {
        LpipsSplitModel split = engine.splitModel().orElseThrow(() -> new IllegalArgumentException(
                "the reference feature cache is off (the log line above says why): the split model's limit needs it"));
        Batch pairs = Batch.of(generated, references);
        FeatureLayout layout = split.layout(pairs.width(), pairs.height());
        FloatBuffer images = pairs.tensor(generated);
        FloatBuffer[] referenceFeatures = new BatchBuffers().features(layout, pairs.size());
        split.features(pairs.width(), pairs.height(), pairs.size(), pairs.tensor(references), referenceFeatures);
        return new ModelLimits(pairs.size(), workers, () -> {
            BatchBuffers own = new BatchBuffers();
            return () -> {
                split.features(pairs.width(), pairs.height(), pairs.size(), images.duplicate(),
                        own.features(layout, pairs.size()));
                // The same buffer again, in fresh views: the backbone's output is the head's input.
                split.compare(pairs.width(), pairs.height(), pairs.size(), own.features(layout, pairs.size()),
                        duplicates(referenceFeatures));
            };
        });
    }

    /** Pairs per second over {@code seconds} of back-to-back runs (each thread runs the batch at least once). */
    public double pairsPerSecond(double seconds) throws Exception {
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        ExecutorService threads = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Long>> scored = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                scored.add(threads.submit(() -> {
                    Runnable runBatch = perThread.call();
                    long pairs = 0;
                    do {
                        runBatch.run();
                        pairs += batch;
                    } while (System.nanoTime() < deadline);
                    return pairs;
                }));
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

    /** A batch of pairs of one size. */
    private record Batch(int size, int width, int height) {
        static Batch of(List<RgbImage> generated, List<RgbImage> references) {
            if (generated.isEmpty() || generated.size() != references.size()) {
                throw new IllegalArgumentException("a batch needs as many references as generated images, at least"
                        + " one: got " + generated.size() + " and " + references.size());
            }
            RgbImage first = generated.get(0);
            for (List<RgbImage> images : List.of(generated, references)) {
                for (RgbImage image : images) {
                    if (image.width() != first.width() || image.height() != first.height()) {
                        throw new IllegalArgumentException("a batch holds images of one size: "
                                + first.width() + "x" + first.height() + " and " + image.width() + "x"
                                + image.height());
                    }
                }
            }
            return new Batch(generated.size(), first.width(), first.height());
        }

        FloatBuffer tensor(List<RgbImage> images) {
            FloatBuffer tensor = NativeBuffer.direct(size * 3 * width * height);
            for (RgbImage image : images) {
                Tensors.writeNchw(image, tensor);
            }
            return tensor.flip();
        }
    }

    private static FloatBuffer[] duplicates(FloatBuffer[] buffers) {
        FloatBuffer[] copies = new FloatBuffer[buffers.length];
        for (int k = 0; k < buffers.length; k++) {
            copies[k] = buffers[k].duplicate();
        }
        return copies;
    }
}
