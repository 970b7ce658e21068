package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.ImageRejectedException;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.imaging.Tensors;
import dev.perceptwatch.testing.SharedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sample images through the service's own decoder and tensor layout, as the scoring path sees them. */
final class TestImages {

    private TestImages() {
    }

    static RgbImage read(String name) {
        Path file = SharedFiles.image(name);
        try {
            return ImageDecoder.decode(Files.readAllBytes(file), file.toString(), ImageLimits.defaults());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (ImageRejectedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A 1x3xHxW tensor of the image, written as the batcher writes its batches. */
    static float[] tensor(RgbImage image) {
        float[] tensor = new float[Tensors.floatCount(image)];
        Tensors.writeNchw(image, FloatBuffer.wrap(tensor));
        return tensor;
    }

    static LpipsPair pair(RgbImage img0, RgbImage img1, boolean wantSpatial) {
        return new LpipsPair(img0, img1, wantSpatial);
    }
}
