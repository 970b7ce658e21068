package dev.perceptwatch.scoring;

import java.util.Objects;

/**
 * One image pair to score: two float32 NCHW tensors of one image each (3*H*W floats, RGB in [-1,1]).
 *
 * @param wantSpatial whether the result should carry the spatial distance map
 */
public record PairTensors(int width, int height, float[] img0, float[] img1, boolean wantSpatial) {
    public PairTensors {
        Objects.requireNonNull(img0, "img0");
        Objects.requireNonNull(img1, "img1");
    }
}
