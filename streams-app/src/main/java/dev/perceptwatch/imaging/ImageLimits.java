package dev.perceptwatch.imaging;

/**
 * Upper bounds applied to an encoded image before its pixels are decoded.
 *
 * @param maxBytes  largest accepted encoded size in bytes
 * @param maxPixels largest accepted width x height, read from the file header
 */
public record ImageLimits(long maxBytes, long maxPixels) {

    private static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;
    private static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    public ImageLimits {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
    }

    /** 20 MiB encoded, 40 megapixels decoded. */
    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
    }
}
