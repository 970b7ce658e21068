package dev.perceptwatch.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.imaging.RgbImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The micro-batcher's split path (backbone once per image, head per pair, reference features cached) on the
 * real AlexNet model, against the full model scoring each pair alone.
 */
class ReferenceReuseBatcherTest extends LpipsAlexFixture {

    private LpipsSplitModel split;

    /** After the fixture's model and images; closed before the model. */
    @BeforeAll
    void loadSplit() {
        split = TestModels.openSplitOnCpu("lpips-alex");
    }

    @AfterAll
    void closeSplit() {
        split.close();
    }

    private static ContentDigest digestOf(String name) {
        return ContentDigest.of(name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * 64x64, 96x128 (WxH) and 128x128: two references of each size, each the reference of three pairs, with
     * their entries in {@code cache} as the prep threads make them.
     */
    private List<LpipsPair> sharedReferencePairs(ReferenceFeatureCache cache) {
        int[][] sizes = {{64, 64}, {96, 128}, {128, 128}};
        List<LpipsPair> pairs = new ArrayList<>();
        for (int[] size : sizes) {
            for (int r = 0; r < 2; r++) {
                RgbImage image = (r == 0 ? coffee : chelsea).crop(40 * r, 30, size[0], size[1]);
                ContentDigest digest = digestOf(size[0] + "x" + size[1] + "-" + r);
                for (int g = 0; g < 3; g++) {
                    RgbImage generated = astronaut.crop(50 * g + 10 * r, 20 * g, size[0], size[1]);
                    CachedReference entry = admitted(cache, digest, image);
                    pairs.add(new LpipsPair(generated, entry.image(), false, entry));
                }
            }
        }
        return pairs;
    }

    /**
     * The reference's entry as the prep threads find it from its second use on: its first use only reaches the
     * doorkeeper (a miss, not cached).
     */
    private static CachedReference admitted(ReferenceFeatureCache cache, ContentDigest digest, RgbImage image) {
        CachedReference known = cache.get(digest);
        if (known != null) {
            return known;
        }
        CachedReference entry = cache.entryFor(digest, image);
        return entry != null ? entry : cache.entryFor(digest, image);
    }

    private ReferenceFeatureCache cache(long bytes) {
        return new ReferenceFeatureCache(bytes, split);
    }


    private MicroBatcher batcher(ReferenceFeatureCache cache, int batchSize, Duration maxWait, int workers,
                                 BatchListener listener) {
        return new MicroBatcher(model, new MicroBatcher.FeatureReuse(split, cache), batchSize, maxWait, 64, workers,
                listener);
    }

    /** Submits every pair from three threads, in an order shuffled by the seed; returns the futures in pair order. */
    private static List<CompletableFuture<PerceptualScore>> submitFromThreads(MicroBatcher batcher,
                                                                             List<LpipsPair> pairs, long seed)
            throws Exception {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        List<CompletableFuture<PerceptualScore>> futures = new ArrayList<>(Collections.nCopies(pairs.size(), null));
        int threads = 3;
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(callers.submit(() -> {
                    for (int k = first; k < order.size(); k += threads) {
                        int index = order.get(k);
                        CompletableFuture<PerceptualScore> future = batcher.submit(pairs.get(index));
                        synchronized (futures) {
                            futures.set(index, future);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> caller : done) {
                caller.get(WAIT_S, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
        return futures;
    }

    /**
     * Two rounds: the first computes every reference (cold, pairs of a reference in flight together), the second
     * finds them computed. Every score equals the full model's on the pair alone.
     */
    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void scoresEqualTheFullModelAloneBatchedOrNotCachedOrNotFromSeveralThreads(int workers) throws Exception {
        ReferenceFeatureCache cache = cache(256L << 20);
        List<LpipsPair> pairs = sharedReferencePairs(cache);
        List<PerceptualScore> expected = pairs.stream().map(this::unbatched).toList();
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        long coldMisses = 0;
        try (MicroBatcher batcher = batcher(cache, 4, Duration.ofMillis(200), workers,
                (size, nanos) -> batchSizes.add(size))) {
            for (int round = 0; round < 2; round++) {
                List<LpipsPair> submitted = round == 0 ? pairs : sharedReferencePairs(cache);
                List<CompletableFuture<PerceptualScore>> futures = submitFromThreads(batcher, submitted, round);
                for (int i = 0; i < pairs.size(); i++) {
                    assertSameScore(expected.get(i), futures.get(i).get(WAIT_S, TimeUnit.SECONDS),
                            "round " + round + ", pair " + i);
                }
                ReferenceCacheStats stats = cache.stats();
                assertEquals(6, stats.computed(), "each reference through the backbone once: " + stats);
                assertEquals(6, stats.entries(), "six distinct references");
                assertEquals(6, stats.uncached(), "each reference's first use: " + stats);
                assertEquals((round + 1L) * pairs.size() + 6, stats.hits() + stats.misses(), stats.toString());
                if (round == 0) {
                    coldMisses = stats.misses();
                } else {
                    assertEquals(coldMisses, stats.misses(), "the second round hits every time: " + stats);
                }
            }
        }
        assertTrue(batchSizes.stream().anyMatch(size -> size > 1), "some pairs ran together: " + batchSizes);
        assertTrue(batchSizes.stream().allMatch(size -> size <= 4), batchSizes.toString());
    }

    @Test
    void aReferenceThatThePairsOfOneBatchShareRunsThroughTheBackboneOnce() throws Exception {
        RgbImage reference = coffee.crop(0, 0, 96, 96);
        ContentDigest digest = digestOf("shared");
        ReferenceFeatureCache cache = cache(64L << 20);
        CachedReference entry = admitted(cache, digest, reference);
        List<LpipsPair> pairs = new ArrayList<>();
        for (int g = 0; g < 4; g++) {
            pairs.add(new LpipsPair(astronaut.crop(30 * g, 0, 96, 96), reference, false, entry));
        }
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        try (MicroBatcher batcher = batcher(cache, 4, Duration.ofMinutes(10), 1, (size, nanos) -> batchSizes.add(size))) {
            assertScoredAsAlone(batcher, pairs);
        }
        assertEquals(List.of(4), batchSizes, "one full batch");
        assertEquals(new ReferenceCacheStats(0, 1 + 4, 1, 1, 0, cache.stats().bytes(), 1, 64L << 20), cache.stats());
        assertSame(entry, cache.get(digest));
        assertTrue(entry.ready());
        assertEquals(split.layout(96, 96).floats() * Float.BYTES + 3 * 96 * 96 + CachedReference.OVERHEAD_BYTES,
                entry.bytes());
    }

    @Test
    void spatialMapsComeFromTheFullModelInBatchesOfTheirOwn() throws Exception {
        ReferenceFeatureCache cache = cache(64L << 20);
        List<LpipsPair> reused = sharedReferencePairs(cache).subList(0, 3);
        List<LpipsPair> pairs = new ArrayList<>(reused);
        for (LpipsPair pair : reused) {
            pairs.add(new LpipsPair(pair.img0(), pair.img1(), true, pair.reference()));
        }
        long missesBefore = cache.stats().misses();
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        try (MicroBatcher batcher = batcher(cache, 8, Duration.ofMillis(300), 1, (size, nanos) -> batchSizes.add(size))) {
            assertScoredAsAlone(batcher, pairs);
        }
        assertEquals(List.of(3, 3), batchSizes, "the three map requests are not mixed into the split batch");
        assertEquals(3, cache.stats().misses() - missesBefore, "only the split pairs looked in the cache: "
                + cache.stats());
    }

    /**
     * References of 64x64, 128x128 and 256x256 (entries of 0.17, 0.65 and 2.76 MB), 66 of them, over three times
     * the 24 MB bound: the cache holds at most its bound after every batch and at the end; a 512x512 reference
     * (10.5 MB, over an eighth of the bound) is scored by the full model and not cached.
     */
    @Test
    void theCacheNeverHoldsMoreThanItsBoundWithReferencesOfSeveralSizes() throws Exception {
        long bound = 24L << 20;
        ReferenceFeatureCache cache = cache(bound);
        AtomicLong heaviest = new AtomicLong();
        Random random = new Random(21);
        List<LpipsPair> pairs = new ArrayList<>();
        long offered = 0;
        for (int i = 0; i < 66; i++) {
            int side = new int[] {64, 128, 256}[i % 3];
            RgbImage reference = noise(side, random);
            CachedReference entry = admitted(cache, digestOf("noise-" + i), reference);
            heaviest.accumulateAndGet(cache.stats().bytes(), Math::max);
            pairs.add(new LpipsPair(noise(side, random), reference, false, entry));
            offered += entry.bytes();
        }
        assertTrue(offered > 3 * bound, "offered " + offered);
        RgbImage largeReference = noise(512, random);
        assertNull(cache.entryFor(digestOf("large"), largeReference), "10.5 MB is over an eighth of the bound");
        assertNull(cache.entryFor(digestOf("large"), largeReference), "nor on its second use");
        LpipsPair large = new LpipsPair(noise(512, random), largeReference, false);
        long missesBefore = cache.stats().misses();
        try (MicroBatcher batcher = batcher(cache, 4, Duration.ofMillis(50), 2,
                (size, nanos) -> heaviest.accumulateAndGet(cache.stats().bytes(), Math::max))) {
            List<CompletableFuture<PerceptualScore>> futures = new ArrayList<>();
            for (LpipsPair pair : pairs) {
                futures.add(batcher.submit(pair));
            }
            for (CompletableFuture<PerceptualScore> future : futures) {
                future.get(WAIT_S, TimeUnit.SECONDS);
            }
            long entriesBefore = cache.stats().entries();
            assertSameScore(unbatched(large), batcher.submit(large).get(WAIT_S, TimeUnit.SECONDS), "512x512");
            assertNull(cache.get(digestOf("large")), "too large to cache");
            assertEquals(entriesBefore, cache.stats().entries());
        }
        ReferenceCacheStats stats = cache.stats();
        assertTrue(heaviest.get() <= bound, "held " + heaviest.get() + " bytes, bound " + bound);
        assertTrue(stats.bytes() <= bound && stats.bytes() > bound / 2, stats.toString());
        assertTrue(stats.evictions() > 0, stats.toString());
        assertEquals(66, stats.misses() - missesBefore, "every split pair, whose entry was not computed yet");
        assertEquals(66 + 2, stats.uncached(), "the first uses, and the large reference twice");
    }

    /** Hand-worked: first use null and no entry, second use the entry, later uses the same entry by get. */
    @Test
    void aReferenceIsCachedFromItsSecondUseOn() {
        ReferenceFeatureCache cache = cache(64L << 20);
        RgbImage image = coffee.crop(0, 0, 64, 64);
        ContentDigest digest = digestOf("twice");
        assertNull(cache.entryFor(digest, image), "first use: only the doorkeeper sees it");
        assertEquals(new ReferenceCacheStats(0, 1, 1, 0, 0, 0, 0, 64L << 20), cache.stats());
        CachedReference entry = cache.entryFor(digest, image);
        assertSame(image, entry.image(), "second use: an entry for this image");
        assertSame(entry, cache.get(digest), "and it is in the cache");
        assertSame(entry, cache.entryFor(digest, coffee.crop(0, 0, 64, 64)), "a later use finds the same entry");
        ReferenceCacheStats stats = cache.stats();
        assertEquals(1, stats.entries());
        assertEquals(entry.bytes(), stats.bytes());
        assertEquals(1, stats.uncached());
        assertNull(cache.entryFor(digestOf("other"), image), "other content is another first use");
    }

    /**
     * Hand-worked with the smallest doorkeeper (1024 digests, which a 64 MiB bound, 23 entries of 256x256, keeps):
     * a reference used again after 1023 other first uses is admitted; after 1024 it was forgotten, and counts as
     * a first use again; so does a reference evicted from the cache.
     */
    @Test
    void theDoorkeeperRemembersTheLatestFirstUsesOnly() {
        ReferenceFeatureCache cache = cache(64L << 20);
        RgbImage image = coffee.crop(0, 0, 64, 64);
        int remembered = ReferenceFeatureCache.MIN_DOORKEEPER_DIGESTS;
        assertNull(cache.entryFor(digestOf("kept"), image));
        for (int i = 1; i < remembered; i++) {
            assertNull(cache.entryFor(digestOf("between-" + i), image));
        }
        assertNotNull(cache.entryFor(digestOf("kept"), image), "1023 first uses since: still remembered");

        assertNull(cache.entryFor(digestOf("forgotten"), image));
        for (int i = 0; i < remembered; i++) {
            assertNull(cache.entryFor(digestOf("after-" + i), image));
        }
        assertNull(cache.entryFor(digestOf("forgotten"), image), "1024 first uses since: a first use again");
        assertNotNull(cache.entryFor(digestOf("forgotten"), image), "and the next use is its second");

        // A bound of twelve 64x64 entries: one is under an eighth of it, the largest entry it takes, with room for
        // the size check's estimate (from the 256x256 maps' floats per pixel, above the 64x64 maps').
        ReferenceFeatureCache small = cache(12 * (split.layout(64, 64).floats() * Float.BYTES + 3 * 64 * 64
                + CachedReference.OVERHEAD_BYTES));
        for (int i = 0; i < 13; i++) {
            ContentDigest digest = digestOf("evicted-" + i);
            assertNull(small.entryFor(digest, image));
            assertNotNull(small.entryFor(digest, image), "second use of reference " + i);
        }
        assertEquals(12, small.stats().entries());
        assertEquals(1, small.stats().evictions());
        assertNull(small.get(digestOf("evicted-0")), "the least recently used went first");
        assertNull(small.entryFor(digestOf("evicted-0"), image), "evicted: it needs two uses again");
        assertNotNull(small.entryFor(digestOf("evicted-0"), image));
    }

    private static RgbImage noise(int side, Random random) {
        byte[] rgb = new byte[3 * side * side];
        random.nextBytes(rgb);
        return new RgbImage(side, side, rgb);
    }
}
