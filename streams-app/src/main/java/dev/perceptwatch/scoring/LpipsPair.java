package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.RgbImage;
import java.util.Objects;

/**
 * One image pair for the perceptual model. The pair holds the decoded 8-bit images, not float tensors: the
 * batcher writes their tensors straight into the batch's buffer, so a waiting pair costs a quarter of the
 * memory (and of the garbage collector's copying) and no intermediate float array is made.
 *
 * @param img0 the generated image
 * @param img1 the reference
 * @param wantSpatial whether the result should carry the spatial distance map (only the full model has it)
 * @param reference the reference's entry in the feature cache (its image is {@code img1}), or null when its
 *     features are not to be reused
 */
record LpipsPair(RgbImage img0, RgbImage img1, boolean wantSpatial, CachedReference reference) {
    LpipsPair {
        Objects.requireNonNull(img0, "img0");
        Objects.requireNonNull(img1, "img1");
        if (reference != null && reference.image() != img1) {
            throw new IllegalArgumentException("the cached reference must be the pair's img1");
        }
    }

    /** A pair scored by the full model, whose reference's features are not reused. */
    LpipsPair(RgbImage img0, RgbImage img1, boolean wantSpatial) {
        this(img0, img1, wantSpatial, null);
    }

    /** The width of {@code img0}, the size the pair is batched by. */
    int width() {
        return img0.width();
    }

    int height() {
        return img0.height();
    }
}
