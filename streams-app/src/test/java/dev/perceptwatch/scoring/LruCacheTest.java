package dev.perceptwatch.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LruCacheTest {

    /** Values are their own weight. */
    private static LruCache<String, Long> cache(long bound, AtomicInteger evictions) {
        return new LruCache<>(bound, Long::longValue, evicted -> evictions.incrementAndGet());
    }

    @Test
    void theLeastRecentlyUsedGoFirstAndAGetCountsAsAUse() {
        AtomicInteger evictions = new AtomicInteger();
        LruCache<String, Long> cache = cache(10, evictions);
        cache.put("a", 4L);
        cache.put("b", 4L);
        assertNotNull(cache.get("a"));
        cache.put("c", 4L);
        assertNull(cache.get("b"), "b was the least recently used");
        assertNotNull(cache.get("a"));
        assertNotNull(cache.get("c"));
        assertEquals(8, cache.weight());
        assertEquals(1, evictions.get());
    }

    @Test
    void oneHeavyEntryPushesOutAsManyAsItNeedsAndATooHeavyOneIsNotAdded() {
        AtomicInteger evictions = new AtomicInteger();
        LruCache<String, Long> cache = cache(10, evictions);
        for (String key : List.of("a", "b", "c", "d", "e")) {
            cache.put(key, 2L);
        }
        cache.put("big", 7L);
        assertEquals(List.of(true, true, true, true, false),
                List.of("a", "b", "c", "d", "e").stream().map(key -> cache.get(key) == null).toList());
        assertEquals(9, cache.weight());
        cache.put("huge", 11L);
        assertNull(cache.get("huge"));
        assertEquals(9, cache.weight(), "nothing was evicted for an entry that cannot fit");
        cache.put("e", 3L);
        assertEquals(10, cache.weight(), "replacing a value counts its new weight only");
        assertEquals(4, evictions.get());
    }

    @Test
    void putIfAbsentKeepsWhatIsThereAndRemoveOnlyTheValueGiven() {
        AtomicInteger evictions = new AtomicInteger();
        LruCache<String, Long> cache = cache(10, evictions);
        Long first = 4L;
        assertSame(first, cache.putIfAbsent("a", first));
        assertSame(first, cache.putIfAbsent("a", Long.valueOf(5)), "the first value stays");
        assertEquals(4, cache.weight());
        cache.remove("a", Long.valueOf(6));
        assertEquals(1, cache.size(), "another value: nothing removed");
        cache.remove("a", first);
        assertEquals(0, cache.weight());
        Long tooHeavy = 11L;
        assertSame(tooHeavy, cache.putIfAbsent("b", tooHeavy));
        assertNull(cache.get("b"));
    }

    @Test
    void theBoundHoldsAtEveryMomentWithSeveralWriters() throws Exception {
        long bound = 1_000;
        AtomicInteger evictions = new AtomicInteger();
        LruCache<Integer, Long> cache = new LruCache<>(bound, Long::longValue, evicted -> evictions.incrementAndGet());
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> heaviest = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                heaviest.add(writers.submit(() -> {
                    long seen = 0;
                    for (int i = 0; i < 20_000; i++) {
                        cache.put(thread * 100_000 + i % 700, (long) (1 + (i * 37 + thread) % 90));
                        seen = Math.max(seen, cache.weight());
                    }
                    return seen;
                }));
            }
            for (Future<Long> writer : heaviest) {
                long seen = writer.get(60, TimeUnit.SECONDS);
                assertTrue(seen <= bound, "weight " + seen + " seen above the bound " + bound);
            }
        } finally {
            writers.shutdownNow();
        }
        assertTrue(cache.weight() <= bound && cache.weight() > bound - 90, "full: " + cache.weight());
        assertTrue(evictions.get() > 0);
    }
}
