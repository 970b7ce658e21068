package dev.perceptwatch.scoring;

/**
 * The reference feature cache at one moment.
 *
 * @param hits pairs whose reference's features came from the cache
 * @param misses pairs whose reference's features were not in the cache
 * @param computed references run through the backbone: once per batch for a reference that several of the
 *     batch's pairs share, so at most {@code misses}
 * @param evictions entries dropped to stay within {@code maxBytes}
 * @param bytes the memory the entries hold now: feature maps, decoded image and a fixed overhead each
 * @param maxBytes the bound ({@code scoring.reference-cache-bytes}); 0 when the cache is off
 */
public record ReferenceCacheStats(long hits, long misses, long computed, long evictions, long bytes, long entries,
                                  long maxBytes) {

    public static final ReferenceCacheStats OFF = new ReferenceCacheStats(0, 0, 0, 0, 0, 0, 0);
}
