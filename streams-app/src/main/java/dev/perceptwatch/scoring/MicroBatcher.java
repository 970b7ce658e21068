package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
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
 *
 * <p>With {@link FeatureReuse} (the model's backbone and head, and the reference feature cache), a pair whose
 * reference has a digest and that wants no spatial map is scored in two steps: one backbone run over the
 * batch's generated images and the references whose features are neither cached nor already in the batch,
 * then the head over the pairs. Those pairs are grouped apart from the full model's.
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

    /**
     * The most pixels of one side in a batch of the split path: two 1024x1024 pairs, eight of 512x512. The
     * backbone's feature maps take about 39 bytes a pixel (alex), and a worker keeps them for up to twice the
     * batch's images (its generated images and its references) plus the references packed for the head, and
     * the input tensors: at this cap at most about 280 MB of direct buffers per worker.
     */
    static final long MAX_SPLIT_BATCH_PIXELS = 2L * 1024 * 1024;

    /** The backbone and head of the model, and the cache of reference features they fill. */
    record FeatureReuse(LpipsSplitModel model, ReferenceFeatureCache cache) {
    }

    private final LpipsModel model;
    private final FeatureReuse reuse;
    private final int batchSize;
    private final long maxWaitNanos;
    private final int capacity;
    private final BatchListener listener;
    private final List<Thread> workers = new ArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workReady = lock.newCondition();
    private final Condition spaceFree = lock.newCondition();
    private final Map<Group, ArrayDeque<Pending>> groups = new LinkedHashMap<>();
    private int waiting;
    private boolean closed;

    /** Pairs batched together: one size, and one path (the split model's or the full model's). */
    private record Group(int width, int height, boolean split) {
    }

    /** Pairs of this group in a full batch. */
    private int fullBatch(Group group) {
        long cap = group.split() ? MAX_SPLIT_BATCH_PIXELS : MAX_BATCH_PIXELS;
        return (int) Math.max(1, Math.min(batchSize, cap / ((long) group.width() * group.height())));
    }

    private record Pending(LpipsPair pair, CompletableFuture<PerceptualScore> result, long since) {
    }

    private record Batch(Group group, List<Pending> pairs) {
    }

    /**
     * @param capacity the most pairs that may wait for a batch; running batches come on top, so at most
     *     {@code capacity + workers * batchSize} pairs are held
     * @param reuse the split model and reference cache, or null to score every pair with the full model
     */
    MicroBatcher(LpipsModel model, FeatureReuse reuse, int batchSize, Duration maxWait, int capacity, int workers,
                 BatchListener listener) {
        if (batchSize < 1 || capacity < batchSize || workers < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("micro-batcher needs batchSize >= 1, capacity >= batchSize,"
                    + " workers >= 1 and maxWait >= 0; got batchSize=" + batchSize + ", capacity=" + capacity
                    + ", workers=" + workers + ", maxWait=" + maxWait);
        }
        this.model = model;
        this.reuse = reuse;
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
            Group key = new Group(pair.width(), pair.height(), splits(pair));
            ArrayDeque<Pending> group = groups.computeIfAbsent(key, k -> new ArrayDeque<>());
            group.add(new Pending(pair, result, System.nanoTime()));
            waiting++;
            // Idle workers sleep until the earliest deadline, which a new pair never moves earlier, so they
            // need waking only when there was nothing to wait for or a group just filled.
            if (waiting == 1 || group.size() == fullBatch(key)) {
                workReady.signal();
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the pair goes the split path: its reference has an entry in the feature cache, and it wants no
     * spatial map, which only the full model makes.
     */
    private boolean splits(LpipsPair pair) {
        return reuse != null && pair.reference() != null && !pair.wantSpatial();
    }

    /** The smallest width and height the model runs on. */
    int minInputSide() {
        return model.minInputSide();
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
                Map.Entry<Group, ArrayDeque<Pending>> due = null;
                long sleep = Long.MAX_VALUE;
                for (Map.Entry<Group, ArrayDeque<Pending>> group : groups.entrySet()) {
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

    private Batch take(Group key, ArrayDeque<Pending> group) {
        int full = fullBatch(key);
        List<Pending> pairs = new ArrayList<>(Math.min(full, group.size()));
        while (pairs.size() < full && !group.isEmpty()) {
            pairs.add(group.pollFirst());
        }
        if (group.isEmpty()) {
            groups.remove(key);
        }
        waiting -= pairs.size();
        spaceFree.signalAll();
        if (waiting > 0) {
            workReady.signal();
        }
        return new Batch(key, pairs);
    }

    private void run(Batch batch, BatchBuffers buffers) {
        int n = batch.pairs().size();
        int width = batch.group().width();
        int height = batch.group().height();
        long start = System.nanoTime();
        List<PerceptualScore> scores;
        try {
            scores = batch.group().split() ? scoreSplit(batch, buffers) : scoreFull(batch, buffers);
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

    private List<PerceptualScore> scoreFull(Batch batch, BatchBuffers buffers) {
        int n = batch.pairs().size();
        int width = batch.group().width();
        int height = batch.group().height();
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
        return model.score(width, height, n, img0.flip(), img1.flip(), spatialFor);
    }

    /**
     * The split path: one backbone run over the generated images followed by the references whose maps are not
     * computed yet and that no other batch is computing, whose entries then get them; one head run over the
     * pairs. A reference that another batch is computing is waited for, after this batch's own backbone run. The
     * head's second input is the backbone's output itself when every pair brought its own new reference, in
     * order (R = 1); otherwise it is packed pair by pair from the entries' maps.
     */
    private List<PerceptualScore> scoreSplit(Batch batch, BatchBuffers buffers) {
        int n = batch.pairs().size();
        int width = batch.group().width();
        int height = batch.group().height();
        FeatureLayout layout = reuse.model().layout(width, height);
        Map<CachedReference, Integer> claimed = new IdentityHashMap<>();
        List<CachedReference> mine = new ArrayList<>();
        CachedReference[] references = new CachedReference[n];
        int hits = 0;
        for (int i = 0; i < n; i++) {
            references[i] = batch.pairs().get(i).pair().reference();
            if (references[i].ready()) {
                hits++;
            } else if (!claimed.containsKey(references[i]) && references[i].claim()) {
                claimed.put(references[i], mine.size());
                mine.add(references[i]);
            }
        }
        reuse.cache().recordHits(hits);
        reuse.cache().recordMisses(n - hits);
        reuse.cache().recordComputed(mine.size());
        try {
            int images = n + mine.size();
            FloatBuffer input = buffers.first(Math.multiplyExact(images, Math.multiplyExact(3 * width, height)));
            batch.pairs().forEach(pending -> Tensors.writeNchw(pending.pair().img0(), input));
            mine.forEach(reference -> Tensors.writeNchw(reference.image(), input));
            FloatBuffer[] features = buffers.features(layout, images);
            reuse.model().features(width, height, images, input.flip(), features);
            for (int slot = 0; slot < mine.size(); slot++) {
                mine.get(slot).computed(copyImage(features, layout, n + slot));
            }
            // Each pair claimed its own reference, in pair order.
            boolean ownReferencesInOrder = mine.size() == n;
            FloatBuffer[] generated = new FloatBuffer[layout.layers().size()];
            FloatBuffer[] referenced = ownReferencesInOrder ? new FloatBuffer[generated.length]
                    : buffers.references(layout, n);
            for (int k = 0; k < generated.length; k++) {
                int floats = layout.layers().get(k).floats();
                generated[k] = BatchBuffers.range(features[k], 0, n * floats);
                if (ownReferencesInOrder) {
                    referenced[k] = BatchBuffers.range(features[k], n * floats, n * floats);
                } else {
                    for (CachedReference reference : references) {
                        referenced[k].put(reference.layers()[k]);
                    }
                    referenced[k].flip();
                }
            }
            return reuse.model().compare(width, height, n, generated, referenced);
        } catch (RuntimeException | OutOfMemoryError e) {
            for (CachedReference reference : mine) {
                if (!reference.ready()) {
                    reference.failed(e);
                    reuse.cache().forget(reference);
                }
            }
            throw e;
        }
    }

    /** Image {@code index}'s maps, copied out of the batch's buffers into arrays the cache can keep. */
    private static float[][] copyImage(FloatBuffer[] features, FeatureLayout layout, int index) {
        float[][] layers = new float[features.length][];
        for (int k = 0; k < features.length; k++) {
            int floats = layout.layers().get(k).floats();
            layers[k] = new float[floats];
            BatchBuffers.range(features[k], index * floats, floats).get(layers[k]);
        }
        return layers;
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
}
