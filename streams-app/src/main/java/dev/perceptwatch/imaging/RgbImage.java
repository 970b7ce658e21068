package dev.perceptwatch.imaging;

/**
 * An 8-bit sRGB image, samples interleaved R, G, B, rows top to bottom.
 *
 * <p>The array is not copied: callers hand over ownership and must not change it afterwards.
 *
 * @param width  pixels per row, positive
 * @param height rows, positive
 * @param rgb    {@code width * height * 3} bytes, read as unsigned
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb == null) {
            throw new IllegalArgumentException("rgb samples are missing");
        }
        if ((long) width * height * 3 != rgb.length) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image needs "
                    + ((long) width * height * 3) + " bytes, got " + rgb.length);
        }
    }

    /** Number of pixels. */
    public int pixelCount() {
        return width * height;
    }

    /** Unsigned sample of channel {@code c} (0 R, 1 G, 2 B) at column {@code x}, row {@code y}. */
    public int sample(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    /** "WxH", as used in messages. */
    public String sizeText() {
        return width + "x" + height;
    }

    /** The {@code w} x {@code h} region whose top-left corner is ({@code x}, {@code y}), copied. */
    public RgbImage crop(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("crop " + w + "x" + h + "+" + x + "+" + y + " is outside "
                    + sizeText());
        }
        byte[] out = new byte[w * h * 3];
        for (int row = 0; row < h; row++) {
            System.arraycopy(rgb, ((y + row) * width + x) * 3, out, row * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }
}
