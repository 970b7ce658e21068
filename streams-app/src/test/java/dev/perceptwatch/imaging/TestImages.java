package dev.perceptwatch.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Small images built in tests, and encoding through ImageIO's writers. */
final class TestImages {

    private TestImages() {
    }

    /** An image whose every pixel is (r, g, b). */
    static RgbImage uniform(int width, int height, int r, int g, int b) {
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) r;
            rgb[i + 1] = (byte) g;
            rgb[i + 2] = (byte) b;
        }
        return new RgbImage(width, height, rgb);
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format + " and image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
