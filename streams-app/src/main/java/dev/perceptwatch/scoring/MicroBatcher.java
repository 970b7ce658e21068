package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects image pairs from every caller of a service instance and scores them in batches on one shared
 * {@link LpipsModel}.
 *
 * <p>Pending pairs are grouped by image size. A group is run when it holds a full batch, {@code batchSize}
 * pairs but no more than {@link #MAX_BATCH_PIXELS} pixels per image side of the pair, or its oldest pair has
 * waited {@code maxWait}, whichever comes first. At most {@code capacity} pairs wait at a
 * time: {@link #submit(LpipsPair)} then blocks, so a slow scorer slows its callers instead of growing
 * memory. Each pair's future completes with its own score, or exceptionally when its batch fails.
 */
final class MicroBatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);

    /**
     * The most pixels of one side (img0 or img1) in a batch: eight 1024x1024 pairs. The input buffers and the
     * model's activations grow with the pixels, and a batch of large images gains nothing over a smaller one,
     * since one large image already fills the cores. Without it a batch of eight 4096x4096 pairs asked for
     * 3.2 GB of direct buffers, and one of eight pairs over 22 megapixels overflowed the buffer size; either
     * failed every pair of the batch. A single pair larger than this still runs, alone.
     */
    static final long MAX_BATCH_PIXELS = 8L * 1024 * 1024;

    private final LpipsModel model;
    private final int batchSize;
    private final long maxWaitNanos;
    private final int capacity;
    private final BatchListener listener;
    private final List<Thread> workers = new ArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workReady = lock.newCondition();
    private final Condition spaceFree = lock.newCondition();
    private final Map<Size, ArrayDeque<Pending>> groups = new LinkedHashMap<>();
    private int waiting;
    private boolean closed;

    private record Size(int width, int height) {
    }

    /** Pairs of this size in a full batch. */
    private int fullBatch(Size size) {
        return (int) Math.max(1, Math.min(batchSize, MAX_BATCH_PIXELS / ((long) size.width() * size.height())));
    }

    private record Pending(LpipsPair pair, CompletableFuture<PerceptualScore> result, long since) {
    }

    private record Batch(Size size, List<Pending> pairs) {
    }

    /**
     * For tests: one worker thread, one batch at a time, and no listener. The service sizes its workers from
     * {@code scoring.batch-workers} instead (one per core on the CPU) through the other constructor.
     */
    MicroBatcher(LpipsModel model, int batchSize, Duration maxWait, int capacity) {
        this(model, batchSize, maxWait, capacity, 1, BatchListener.NONE);
    }

    /**
     * @param capacity the most pairs that may wait for a batch; running batches come on top, so at most
     *     {@code capacity + workers * batchSize} pairs are held
     */
    MicroBatcher(LpipsModel model, int batchSize, Duration maxWait, int capacity, int workers,
                 BatchListener listener) {
        if (batchSize < 1 || capacity < batchSize || workers < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("micro-batcher needs batchSize >= 1, capacity >= batchSize,"
                    + " workers >= 1 and maxWait >= 0; got batchSize=" + batchSize + ", capacity=" + capacity
                    + ", workers=" + workers + ", maxWait=" + maxWait);
        }
        this.model = model;
        this.batchSize = batchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.capacity = capacity;
        this.listener = listener;
        for (int i = 0; i < workers; i++) {
            Thread worker = new Thread(this::work, "perceptwatch-lpips-batcher-" + i);
            worker.setDaemon(true);
            this.workers.add(worker);
        }
        this.workers.forEach(Thread::start);
    }

    /**
     * Queues a pair, blocking while {@code capacity} pairs are already waiting. A pair the model cannot
     * take (tensor length not 3*H*W, image below the model's minimum side) gets an already failed future
     * with an {@link IllegalArgumentException}; so does every pair submitted after {@link #close()}, with
     * a {@link RejectedExecutionException}.
     */
    CompletableFuture<PerceptualScore> submit(LpipsPair pair) throws InterruptedException {
        CompletableFuture<PerceptualScore> result = new CompletableFuture<>();
        try {
            model.checkInput(pair.width(), pair.height(), 1, Tensors.floatCount(pair.img0()),
                    Tensors.floatCount(pair.img1()));
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(e);
            return result;
        }
        lock.lockInterruptibly();
        try {
            while (waiting >= capacity && !closed) {
                spaceFree.await();
            }
            if (closed) {
                result.completeExceptionally(new RejectedExecutionException("micro-batcher is closed"));
                return result;
            }
            Size size = new Size(pair.width(), pair.height());
            ArrayDeque<Pending> group = groups.computeIfAbsent(size, key -> new ArrayDeque<>());
            group.add(new Pending(pair, result, System.nanoTime()));
            waiting++;
            // Idle workers sleep until the earliest deadline, which a new pair never moves earlier, so they
            // need waking only when there was nothing to wait for or a group just filled.
            if (waiting == 1 || group.size() == fullBatch(size)) {
                workReady.signal();
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** The smallest width and height the model runs on. */
    int minInputSide() {
        return model.minInputSide();
    }

    /** For tests: pairs waiting for a batch (not counting batches being run). */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        BatchBuffers buffers = new BatchBuffers();
        while (true) {
            Batch batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) {
                return;
            }
            run(batch, buffers);
        }
    }

    /** Blocks until a group is due; null once closed and drained. */
    private Batch nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                Map.Entry<Size, ArrayDeque<Pending>> due = null;
                long sleep = Long.MAX_VALUE;
                for (Map.Entry<Size, ArrayDeque<Pending>> group : groups.entrySet()) {
                    long oldest = group.getValue().peekFirst().since();
                    long left = oldest + maxWaitNanos - now;
                    boolean ready = closed || left <= 0 || group.getValue().size() >= fullBatch(group.getKey());
                    if (ready && (due == null || oldest - due.getValue().peekFirst().since() < 0)) {
                        due = group;
                    }
                    sleep = Math.min(sleep, left);
                }
                if (due != null) {
                    return take(due.getKey(), due.getValue());
                }
                if (closed) {
                    return null;
                }
                if (sleep == Long.MAX_VALUE) {
                    workReady.await();
                } else {
                    workReady.awaitNanos(sleep);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private Batch take(Size size, ArrayDeque<Pending> group) {
        int full = fullBatch(size);
        List<Pending> pairs = new ArrayList<>(Math.min(full, group.size()));
        while (pairs.size() < full && !group.isEmpty()) {
            pairs.add(group.pollFirst());
        }
        if (group.isEmpty()) {
            groups.remove(size);
        }
        waiting -= pairs.size();
        spaceFree.signalAll();
        if (waiting > 0) {
            workReady.signal();
        }
        return new Batch(size, pairs);
    }

    private void run(Batch batch, BatchBuffers buffers) {
        int n = batch.pairs().size();
        int width = batch.size().width();
        int height = batch.size().height();
        long start = System.nanoTime();
        List<PerceptualScore> scores;
        try {
            int floats = Math.multiplyExact(n, Math.multiplyExact(3 * width, height));
            FloatBuffer img0 = buffers.first(floats);
            FloatBuffer img1 = buffers.second(floats);
            boolean[] spatialFor = new boolean[n];
            for (int i = 0; i < n; i++) {
                LpipsPair pair = batch.pairs().get(i).pair();
                Tensors.writeNchw(pair.img0(), img0);
                Tensors.writeNchw(pair.img1(), img1);
                spatialFor[i] = pair.wantSpatial();
            }
            scores = model.score(width, height, n, img0.flip(), img1.flip(), spatialFor);
        } catch (RuntimeException | OutOfMemoryError e) {
            ScoringException failure = new ScoringException("LPIPS batch of " + n + " pair(s) of " + width + "x"
                    + height + " with model '" + model.name() + "' failed: " + e.getMessage(), e);
            batch.pairs().forEach(pending -> pending.result().completeExceptionally(failure));
            return;
        }
        long nanos = System.nanoTime() - start;
        for (int i = 0; i < n; i++) {
            batch.pairs().get(i).result().complete(scores.get(i));
        }
        try {
            listener.onBatch(n, nanos);
        } catch (RuntimeException e) {
            LOG.warn("batch listener failed: {}", e.toString());
        }
    }

    /**
     * Stops accepting pairs, scores every pair still waiting, and returns when the workers have finished.
     * If interrupted meanwhile, the pairs not yet taken fail instead and the interrupt is kept.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            workReady.signalAll();
            spaceFree.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            for (Thread worker : workers) {
                worker.join();
            }
        } catch (InterruptedException e) {
            failWaiting();
            workers.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
        }
    }

    private void failWaiting() {
        lock.lock();
        try {
            RejectedExecutionException closing = new RejectedExecutionException(
                    "micro-batcher closed (interrupted) before this pair was scored");
            groups.values().forEach(group -> group.forEach(p -> p.result().completeExceptionally(closing)));
            groups.clear();
            waiting = 0;
        } finally {
            lock.unlock();
        }
    }

    /** A worker's native input buffers, reused across batches and grown to the largest batch seen. */
    private static final class BatchBuffers {
        private FloatBuffer first = allocate(0);
        private FloatBuffer second = allocate(0);

        FloatBuffer first(int floats) {
            first = ensure(first, floats);
            return first;
        }

        FloatBuffer second(int floats) {
            second = ensure(second, floats);
            return second;
        }

        private static FloatBuffer ensure(FloatBuffer buffer, int floats) {
            FloatBuffer ready = buffer.capacity() >= floats ? buffer : allocate(floats);
            ready.clear().limit(floats);
            return ready;
        }

        private static FloatBuffer allocate(int floats) {
            return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES)).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
    }
}
