package dev.perceptwatch.imaging;

import java.util.Random;

/**
 * Deterministic distortions for tests, fixtures and the demo producer: the same input and parameters give
 * the same pixels on every machine (pure Java arithmetic; {@link Random}'s Gaussian sequence is specified
 * by its Javadoc). Codecs are ImageIO's ({@link ImageEncoder}, {@link ImageDecoder}).
 */
public final class Distortions {

    private static final ImageLimits UNLIMITED = new ImageLimits(Long.MAX_VALUE, Long.MAX_VALUE);

    private Distortions() {
    }

    /**
     * Gaussian blur: separable kernel of radius {@code ceil(3.5 sigma)} (scipy's default truncation),
     * normalised, mirrored edges (scipy's "reflect": the edge sample is repeated), rounded to nearest.
     */
    public static RgbImage gaussianBlur(RgbImage image, double sigma) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("blur sigma must be positive, got " + sigma);
        }
        double[] kernel = gaussianKernel(sigma);
        int w = image.width();
        int h = image.height();
        double[] rows = new double[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int k = 0; k < kernel.length; k++) {
                        sum += kernel[k] * image.sample(mirror(x + k - kernel.length / 2, w), y, c);
                    }
                    rows[(y * w + x) * 3 + c] = sum;
                }
            }
        }
        byte[] out = new byte[rows.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int k = 0; k < kernel.length; k++) {
                        sum += kernel[k] * rows[(mirror(y + k - kernel.length / 2, h) * w + x) * 3 + c];
                    }
                    out[(y * w + x) * 3 + c] = clampToByte(sum);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Adds independent N(0, sigma^2) noise to every sample (java.util.Random seeded with {@code seed}). */
    public static RgbImage addGaussianNoise(RgbImage image, double sigma, long seed) {
        if (!(sigma >= 0)) {
            throw new IllegalArgumentException("noise sigma must not be negative, got " + sigma);
        }
        Random random = new Random(seed);
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = clampToByte((in[i] & 0xFF) + sigma * random.nextGaussian());
        }
        return new RgbImage(image.width(), image.height(), out);
    }

    /** Adds a fixed offset to each channel, clamped to [0, 255]. */
    public static RgbImage colourShift(RgbImage image, int red, int green, int blue) {
        int[] offsets = {red, green, blue};
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = clampToByte((in[i] & 0xFF) + offsets[i % 3]);
        }
        return new RgbImage(image.width(), image.height(), out);
    }

    /** Encodes as baseline JPEG with ImageIO at {@code quality} (1-100) and decodes it again. */
    public static RgbImage jpegReencode(RgbImage image, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1-100, got " + quality);
        }
        byte[] jpeg = ImageEncoder.jpeg(image, quality);
        try {
            return ImageDecoder.decode(jpeg, "jpeg-reencode", UNLIMITED);
        } catch (ImageRejectedException e) {
            throw new IllegalStateException("ImageIO could not read its own JPEG", e);
        }
    }

    private static double[] gaussianKernel(double sigma) {
        int radius = (int) Math.ceil(3.5 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double total = 0;
        for (int i = 0; i < kernel.length; i++) {
            double d = i - radius;
            kernel[i] = Math.exp(-0.5 * d * d / (sigma * sigma));
            total += kernel[i];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= total;
        }
        return kernel;
    }

    /** Mirrors an out-of-range index back inside [0, size) repeating the edge sample (d c b a | a b c d). */
    private static int mirror(int index, int size) {
        int period = 2 * size;
        int i = Math.floorMod(index, period);
        return i < size ? i : period - 1 - i;
    }

    private static byte clampToByte(double value) {
        return (byte) Math.max(0, Math.min(255, Math.round(value)));
    }
}
