package dev.perceptwatch.scoring;

import java.util.Objects;

/**
 * One model entry of {@code models/manifest.json}: which file to load, the sha256 it must have, and the
 * facts the scorer needs about it.
 *
 * @param minInputSide the smallest H and W the graph runs on; smaller inputs are refused before ORT sees them
 * @param recommendedMinSide the smallest side worth scoring (the upstream example images are 64x64)
 * @param split the same model cut in two graphs, backbone and head, so that an image's features can be reused
 */
record ModelSpec(
        String file,
        String sha256,
        long sizeBytes,
        String backbone,
        String lpipsVersion,
        int layers,
        int minInputSide,
        int recommendedMinSide,
        Split split) {

    /** One ONNX file of a split model and the sha256 it must have. */
    record Part(String file, String sha256, long sizeBytes) {
        Part {
            Objects.requireNonNull(file, "file");
            requireSha256(file, sha256);
        }
    }

    /**
     * The backbone (one image to its unit-normalised feature maps) and the head (two sets of feature maps to
     * the distances) cut from the full graph: head(backbone(a), backbone(b)) equals the full model bit for bit.
     */
    record Split(Part backbone, Part head) {
        Split {
            Objects.requireNonNull(backbone, "split.backbone");
            Objects.requireNonNull(head, "split.head");
        }
    }

    ModelSpec {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(split, "split");
        requireSha256(file, sha256);
        if (layers < 1 || minInputSide < 1) {
            throw new IllegalArgumentException("layers and min_input_side of " + file + " must be positive");
        }
    }

    private static void requireSha256(String file, String sha256) {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 of " + file + " must be 64 lowercase hex digits: " + sha256);
        }
    }
}
