package dev.perceptwatch.scoring;

import dev.perceptwatch.testing.SharedFiles;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Test-only stand-in for the imaging package: sample images as float32 NCHW tensors in [-1,1]
 * ({@code v/127.5-1}, as {@code lpips.im2tensor} and MODELS.md).
 */
final class TestImages {

    private TestImages() {
    }

    static BufferedImage read(String name) {
        Path file = SharedFiles.image(name);
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) {
                throw new IllegalStateException("ImageIO cannot read " + file);
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static BufferedImage crop(BufferedImage image, int x, int y, int width, int height) {
        return image.getSubimage(x, y, width, height);
    }

    static BufferedImage resize(BufferedImage image, int width, int height) {
        BufferedImage resized = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return resized;
    }

    static float[] tensor(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int plane = width * height;
        float[] nchw = new float[3 * plane];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                int at = y * width + x;
                nchw[at] = scaled((rgb >> 16) & 0xff);
                nchw[plane + at] = scaled((rgb >> 8) & 0xff);
                nchw[2 * plane + at] = scaled(rgb & 0xff);
            }
        }
        return nchw;
    }

    /** In double, then rounded once, like numpy's {@code image / 127.5 - 1} cast to float32. */
    private static float scaled(int value) {
        return (float) (value / 127.5 - 1.0);
    }

    static PairTensors pair(BufferedImage img0, BufferedImage img1, boolean wantSpatial) {
        return new PairTensors(img0.getWidth(), img0.getHeight(), tensor(img0), tensor(img1), wantSpatial);
    }
}
