package dev.perceptwatch.imaging;

/**
 * Bounds applied to an encoded image before its pixels are decoded.
 *
 * @param maxBytes  largest accepted encoded size in bytes
 * @param maxPixels largest accepted width x height, read from the file header
 * @param minSide   smallest accepted width and height, read from the file header (the scoring model's minimum)
 */
public record ImageLimits(long maxBytes, long maxPixels, int minSide) {

    public static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;
    /**
     * 4096 x 4096. Scoring one pair of that size took 2.6 GB of resident memory (ORT's activations and the
     * tensors; a 6320 x 6320 pair took 7.6 GB), more than a service sized for the usual outputs should risk per
     * pair (docs/BENCHMARKS.md).
     */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096;

    public ImageLimits {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        if (minSide < 1) {
            throw new IllegalArgumentException("minSide must be at least 1, got " + minSide);
        }
    }

    /** No lower bound beyond one pixel. */
    public ImageLimits(long maxBytes, long maxPixels) {
        this(maxBytes, maxPixels, 1);
    }

    /** These limits, refusing images narrower or lower than {@code side} as well. */
    public ImageLimits atLeast(int side) {
        return new ImageLimits(maxBytes, maxPixels, Math.max(minSide, side));
    }

    /** 20 MiB encoded, 4096 x 4096 pixels decoded. */
    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
    }
}
