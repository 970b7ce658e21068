package dev.perceptwatch.imaging;

/**
 * Bounds applied to an encoded image before its pixels are decoded.
 *
 * @param maxBytes  largest accepted encoded size in bytes
 * @param maxPixels largest accepted width x height, read from the file header
 * @param minSide   smallest accepted width and height, read from the file header (the scoring model's minimum)
 */
public record ImageLimits(long maxBytes, long maxPixels, int minSide) {

    private static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;
    private static final long DEFAULT_MAX_PIXELS = 40_000_000L;

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

    /** 20 MiB encoded, 40 megapixels decoded. */
    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
    }
}
