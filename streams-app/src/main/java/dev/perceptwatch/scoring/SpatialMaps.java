package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.ImagePair;
import dev.perceptwatch.imaging.Tensors;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * LPIPS spatial maps on demand (the console's heatmaps), on the loaded model, beside the stream's batches:
 * one pair at a time on one thread, from a small bounded queue that refuses work when full instead of
 * waiting. So the console adds at most one model run to the stream's, whatever it is asked, and never holds
 * a place in the stream's batcher.
 */
public final class SpatialMaps implements AutoCloseable {

    private record Job(ImagePair pair, CompletableFuture<PerceptualScore> result) {
    }

    private final LpipsModel model;
    private final BlockingQueue<Job> queue;
    private final Thread worker;
    private volatile boolean closed;

    /** @param capacity the most pairs waiting; one more may be running */
    public SpatialMaps(LpipsModel model, int capacity) {
        this.model = model;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.worker = new Thread(this::work, "perceptwatch-spatial-maps");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * The pair's LPIPS result with its spatial map. Fails at once with a {@link RejectedExecutionException}
     * when the queue is full or closed, and with an {@link IllegalArgumentException} when the model cannot
     * take the pair (below its minimum side).
     */
    public CompletableFuture<PerceptualScore> submit(ImagePair pair) {
        CompletableFuture<PerceptualScore> result = new CompletableFuture<>();
        try {
            model.checkInput(pair.reference().width(), pair.reference().height(), 1,
                    Tensors.floatCount(pair.generated()), Tensors.floatCount(pair.reference()));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (closed || !queue.offer(new Job(pair, result))) {
            return CompletableFuture.failedFuture(new RejectedExecutionException(closed
                    ? "the spatial map queue is closed"
                    : "the spatial map queue is full (" + (queue.size() + queue.remainingCapacity()) + " waiting)"));
        }
        return result;
    }

    /**
     * The CPU time the maps have taken so far, on the worker thread (where the model runs with one intra-op
     * thread; with more, their pool's time is not in it); the console's CPU budget charges it.
     */
    public long cpuNanos() {
        return Math.max(0, ManagementFactory.getThreadMXBean().getThreadCpuTime(worker.getId()));
    }

    /** The smallest side the model takes. */
    public int minInputSide() {
        return model.minInputSide();
    }

    private void work() {
        while (!closed) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                break;
            }
            run(job);
        }
        RejectedExecutionException closing = new RejectedExecutionException("the spatial map queue is closed");
        queue.forEach(job -> job.result().completeExceptionally(closing));
        queue.clear();
    }

    private void run(Job job) {
        if (job.result().isDone()) {
            return;
        }
        try {
            int width = job.pair().reference().width();
            int height = job.pair().reference().height();
            FloatBuffer img0 = NativeBuffer.direct(Tensors.floatCount(job.pair().generated()));
            FloatBuffer img1 = NativeBuffer.direct(Tensors.floatCount(job.pair().reference()));
            Tensors.writeNchw(job.pair().generated(), img0);
            Tensors.writeNchw(job.pair().reference(), img1);
            job.result().complete(model.score(width, height, 1, img0.flip(), img1.flip(), new boolean[] {true})
                    .get(0));
        } catch (RuntimeException | OutOfMemoryError e) {
            job.result().completeExceptionally(e);
        }
    }

    /** Fails what is waiting; a run in progress finishes (the model is closed after this, by its owner). */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
