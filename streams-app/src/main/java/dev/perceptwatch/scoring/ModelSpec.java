package dev.perceptwatch.scoring;

import java.util.Objects;

/**
 * One model entry of {@code models/manifest.json}: which file to load, the sha256 it must have, and the
 * facts the scorer needs about it.
 *
 * @param minInputSide the smallest H and W the graph runs on; smaller inputs are refused before ORT sees them
 * @param recommendedMinSide the smallest side worth scoring (the upstream example images are 64x64)
 */
record ModelSpec(
        String file,
        String sha256,
        long sizeBytes,
        String backbone,
        String lpipsVersion,
        int layers,
        int minInputSide,
        int recommendedMinSide) {

    ModelSpec {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(backbone, "backbone");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 of " + file + " must be 64 lowercase hex digits: " + sha256);
        }
        if (layers < 1 || minInputSide < 1) {
            throw new IllegalArgumentException("layers and min_input_side of " + file + " must be positive");
        }
    }
}
