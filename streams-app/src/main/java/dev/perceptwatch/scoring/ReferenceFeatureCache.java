package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.RgbImage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The decoded reference images and their backbone feature maps, shared by every stream task and thread of an
 * instance, keyed by the content of the encoded reference ({@link ContentDigest}) and bounded in bytes.
 *
 * <p>Entries are weighed by {@link CachedReference#bytes()}, maps included from the moment the entry is made,
 * and the least recently used go first ({@link LruCache}); the entries never hold more than the bound. A
 * reference whose entry would take more than an eighth of the bound is not cached: it would flush many others,
 * and its pair is scored by the full model instead.
 *
 * <p><b>Admission on the second use.</b> A reference is cached only when it comes back: its first use only
 * records its digest in a bounded "seen once" set (the doorkeeper), and its pair runs the full model, as with
 * the cache off; a reference whose digest is there when it is used again gets its entry. So references used
 * once (every pair with its own reference) cost a digest and a set lookup, and never fill the cache, the heap
 * or the split path; a reference used R times runs the backbone twice instead of once (first use, then the
 * computing batch) and hits R - 2 times. The set holds the latest {@code doorkeeperCapacity} first uses, four
 * times the 256x256 entries the bound holds (at least 1024): a reference that comes back after more distinct
 * references than that is treated as new, and under least recently used it would mostly have been evicted
 * before its reuse anyway. Hand-written: Caffeine's byte-weighted cache has no admit-on-second-use mode (its
 * W-TinyLFU compares a newcomer's frequency with the victim's, see {@link LruCache}), and Guava's Bloom filter
 * would need resetting and would admit some references seen once; an insertion-ordered map of a few thousand
 * digests (about 100 bytes each) is exact and small.
 */
final class ReferenceFeatureCache {

    /** The largest entry, as a fraction of the bound. */
    static final int MAX_ENTRY_SHARE = 8;

    /** The fewest digests the doorkeeper remembers, whatever the bound. */
    static final int MIN_DOORKEEPER_DIGESTS = 1024;

    private final LpipsSplitModel model;
    private final LruCache<ContentDigest, CachedReference> entries;
    /** The backbone's feature floats per image pixel, to refuse a large image before probing its layout. */
    private final double floatsPerPixel;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder uncached = new LongAdder();
    private final LongAdder computed = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    /** The digests of references used once, oldest first; guarded by itself, and taken before the entries' lock. */
    private final Map<ContentDigest, Boolean> seenOnce;
    private final int doorkeeperCapacity;

    ReferenceFeatureCache(long maxBytes, LpipsSplitModel model) {
        this.model = model;
        this.entries = new LruCache<>(maxBytes, CachedReference::bytes, evicted -> evictions.increment());
        // The maps shrink with the strides, so their floats grow with the pixels: one 256x256 image tells the rate.
        this.floatsPerPixel = model.layout(256, 256).floats() / (256.0 * 256);
        long entriesAt256 = maxBytes / ((long) (floatsPerPixel * 256 * 256) * Float.BYTES + 3 * 256 * 256);
        this.doorkeeperCapacity = (int) Math.min(1 << 20, Math.max(MIN_DOORKEEPER_DIGESTS, 4 * entriesAt256));
        this.seenOnce = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ContentDigest, Boolean> eldest) {
                return size() > doorkeeperCapacity;
            }
        };
    }

    /** The reference's entry, or null; a hit makes the entry the most recently used. */
    CachedReference get(ContentDigest key) {
        return entries.get(key);
    }

    /**
     * The entry of a reference just decoded, not found by {@link #get}: the one another thread made meanwhile,
     * or a new one whose maps the first batch to need them computes; null (a miss, its pair runs the full model)
     * on the reference's first use, which the doorkeeper records, and when it is too large to cache.
     */
    CachedReference entryFor(ContentDigest key, RgbImage decoded) {
        long pixels = decoded.pixelCount();
        long maxEntry = entries.maxWeight() / MAX_ENTRY_SHARE;
        if ((long) (floatsPerPixel * pixels) * Float.BYTES + 3 * pixels > maxEntry) {
            return uncached();
        }
        synchronized (seenOnce) {
            if (!seenOnce.containsKey(key)) {
                // Made by another thread since this one's get, or else this is the first use.
                CachedReference present = entries.get(key);
                if (present != null) {
                    return present;
                }
                seenOnce.put(key, Boolean.TRUE);
                return uncached();
            }
        }
        // The second use. The digest stays in the doorkeeper until the entry is in the cache, so that a third
        // use meanwhile is admitted too (and gets the same entry) rather than taken for a first one.
        CachedReference made = new CachedReference(key, decoded, model.layout(decoded.width(), decoded.height()));
        CachedReference entry = made.bytes() > maxEntry ? null : entries.putIfAbsent(key, made);
        synchronized (seenOnce) {
            seenOnce.remove(key);
        }
        return entry != null ? entry : uncached();
    }

    private CachedReference uncached() {
        misses.increment();
        uncached.increment();
        return null;
    }

    /** Drops an entry whose maps failed, so that a later pair computes them again. */
    void forget(CachedReference failed) {
        entries.remove(failed.key(), failed);
    }

    void recordHits(int pairs) {
        hits.add(pairs);
    }

    void recordMisses(int pairs) {
        misses.add(pairs);
    }

    void recordComputed(int references) {
        computed.add(references);
    }

    ReferenceCacheStats stats() {
        return new ReferenceCacheStats(hits.sum(), misses.sum(), uncached.sum(), computed.sum(), evictions.sum(),
                entries.weight(), entries.size(), entries.maxWeight());
    }
}
