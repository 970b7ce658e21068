package dev.perceptwatch.scoring;

/**
 * The reference feature cache at one moment.
 *
 * @param hits pairs whose reference's features came from the cache
 * @param misses pairs whose reference's features were not in the cache, {@code uncached} included
 * @param uncached pairs whose reference was not to be cached, scored by the full model: its first use (which
 *     the doorkeeper records) or one too large for the bound
 * @param computed references run through the backbone: once per batch for a reference that several of the
 *     batch's pairs share, so at most {@code misses}
 * @param evictions entries dropped to stay within {@code maxBytes}
 * @param bytes the memory the entries hold now: feature maps, decoded image and a fixed overhead each
 * @param maxBytes the bound ({@code scoring.reference-cache-bytes}); 0 when the cache is off
 */
public record ReferenceCacheStats(long hits, long misses, long uncached, long computed, long evictions, long bytes,
                                  long entries, long maxBytes) {

    public static final ReferenceCacheStats OFF = new ReferenceCacheStats(0, 0, 0, 0, 0, 0, 0, 0);

    /** Pairs that used features computed for another pair: every pair looked up but the uncached and computing ones. */
    public long reused() {
        return hits + misses - uncached - computed;
    }
}
