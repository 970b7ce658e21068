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
 * @param reference the digest of the reference's encoded bytes, the key of its cached features; null when
 *     they are not to be reused
 * @param cached the reference's features, when they were in the cache as the pair was prepared
 */
record LpipsPair(RgbImage img0, RgbImage img1, boolean wantSpatial, ContentDigest reference,
                 ReferenceFeatures cached) {
    LpipsPair {
        Objects.requireNonNull(img0, "img0");
        Objects.requireNonNull(img1, "img1");
        if (cached != null && reference == null) {
            throw new IllegalArgumentException("cached features need the reference's digest");
        }
    }

    /** A pair scored by the full model, whose reference's features are not reused. */
    LpipsPair(RgbImage img0, RgbImage img1, boolean wantSpatial) {
        this(img0, img1, wantSpatial, null, null);
    }

    /** The width of {@code img0}, the size the pair is batched by. */
    int width() {
        return img0.width();
    }

    int height() {
        return img0.height();
    }
}
