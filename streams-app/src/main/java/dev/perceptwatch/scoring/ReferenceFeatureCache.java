package dev.perceptwatch.scoring;

import java.util.concurrent.atomic.LongAdder;

/**
 * The features of reference images, shared by every stream task and thread of an instance, keyed by the
 * content of the encoded reference ({@link ContentDigest}) and bounded in bytes.
 *
 * <p>Entries are weighed by {@link ReferenceFeatures#bytes()} and the least recently used go first
 * ({@link LruCache}); the entries never hold more than the bound. An entry larger than an eighth of the bound
 * is not cached: it would flush many others, and its pair is scored by the full model instead
 * ({@link #admits}).
 */
final class ReferenceFeatureCache {

    /** The largest entry, as a fraction of the bound. */
    static final int MAX_ENTRY_SHARE = 8;

    private final LruCache<ContentDigest, ReferenceFeatures> entries;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder computed = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    ReferenceFeatureCache(long maxBytes) {
        this.entries = new LruCache<>(maxBytes, ReferenceFeatures::bytes, evicted -> evictions.increment());
    }

    /** Whether an entry of {@code bytes} may be cached. */
    boolean admits(long bytes) {
        return bytes <= entries.maxWeight() / MAX_ENTRY_SHARE;
    }

    /** The reference's features, or null; a hit makes the entry the most recently used. */
    ReferenceFeatures get(ContentDigest key) {
        return entries.get(key);
    }

    void put(ContentDigest key, ReferenceFeatures features) {
        if (admits(features.bytes())) {
            entries.put(key, features);
        }
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
