package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.RgbImage;
import java.util.concurrent.atomic.LongAdder;

/**
 * The decoded reference images and their backbone feature maps, shared by every stream task and thread of an
 * instance, keyed by the content of the encoded reference ({@link ContentDigest}) and bounded in bytes.
 *
 * <p>Entries are weighed by {@link CachedReference#bytes()}, maps included from the moment the entry is made,
 * and the least recently used go first ({@link LruCache}); the entries never hold more than the bound. A
 * reference whose entry would take more than an eighth of the bound is not cached: it would flush many others,
 * and its pair is scored by the full model instead.
 */
final class ReferenceFeatureCache {

    /** The largest entry, as a fraction of the bound. */
    static final int MAX_ENTRY_SHARE = 8;

    private final LpipsSplitModel model;
    private final LruCache<ContentDigest, CachedReference> entries;
    /** The backbone's feature floats per image pixel, to refuse a large image before probing its layout. */
    private final double floatsPerPixel;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder computed = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    ReferenceFeatureCache(long maxBytes, LpipsSplitModel model) {
        this.model = model;
        this.entries = new LruCache<>(maxBytes, CachedReference::bytes, evicted -> evictions.increment());
        // The maps shrink with the strides, so their floats grow with the pixels: one 256x256 image tells the rate.
        this.floatsPerPixel = model.layout(256, 256).floats() / (256.0 * 256);
    }

    /** The reference's entry, or null; a hit makes the entry the most recently used. */
    CachedReference get(ContentDigest key) {
        return entries.get(key);
    }

    /**
     * The entry of a reference just decoded: the one another thread made meanwhile, or a new one whose maps the
     * first batch to need them computes; null when the reference is too large to cache.
     */
    CachedReference entryFor(ContentDigest key, RgbImage decoded) {
        long pixels = decoded.pixelCount();
        long maxEntry = entries.maxWeight() / MAX_ENTRY_SHARE;
        if ((long) (floatsPerPixel * pixels) * Float.BYTES + 3 * pixels > maxEntry) {
            return null;
        }
        CachedReference made = new CachedReference(key, decoded, model.layout(decoded.width(), decoded.height()));
        return made.bytes() > maxEntry ? null : entries.putIfAbsent(key, made);
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
        return new ReferenceCacheStats(hits.sum(), misses.sum(), computed.sum(), evictions.sum(), entries.weight(),
                entries.size(), entries.maxWeight());
    }
}
