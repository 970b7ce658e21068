package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.RgbImage;

/**
 * A reference image as decoded, with its backbone feature maps: all a later pair needs of it, so that neither
 * its decoding nor its backbone run is repeated.
 *
 * @param layers per backbone tap, the floats of its map ({@code channels x height x width}, as the backbone
 *     wrote them); the arrays are not copied and never change
 */
record ReferenceFeatures(RgbImage image, float[][] layers) {

    /** Object headers, the key, the cache's node: small beside the arrays, counted so the bound is honest. */
    static final int OVERHEAD_BYTES = 256;

    /** The memory this entry holds. */
    long bytes() {
        long floats = 0;
        for (float[] layer : layers) {
            floats += layer.length;
        }
        return floats * Float.BYTES + image.rgb().length + OVERHEAD_BYTES;
    }
}
