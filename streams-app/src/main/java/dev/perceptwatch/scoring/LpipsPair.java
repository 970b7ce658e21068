package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.RgbImage;
import java.util.Objects;

/**
 * One image pair for the perceptual model. The pair holds the decoded 8-bit images, not float tensors: the
 * batcher writes their tensors straight into the batch's buffer, so a waiting pair costs a quarter of the
 * memory (and of the garbage collector's copying) and no intermediate float array is made.
 *
 * @param wantSpatial whether the result should carry the spatial distance map
 */
record LpipsPair(RgbImage img0, RgbImage img1, boolean wantSpatial) {
    LpipsPair {
        Objects.requireNonNull(img0, "img0");
        Objects.requireNonNull(img1, "img1");
    }

    /** The width of {@code img0}, the size the pair is batched by. */
    int width() {
        return img0.width();
    }

    int height() {
        return img0.height();
    }
}
