package dev.perceptwatch.topology;

import dev.perceptwatch.imaging.Distortions;
import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.ImageRejectedException;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.testing.SharedFiles;
import java.util.ArrayList;
import java.util.List;

/**
 * The 64x64 sample reference ex_ref.png and generated images made from it, in {@value #COUNT} seeded variants
 * each: healthy (light noise) and degraded (a heavy blur plus heavy noise, which every metric sees: LPIPS
 * several times its healthy value), so that a test's detection does not hinge on detector tuning.
 */
final class DistortedVariants {
    static final int COUNT = 4;

    final byte[] reference = SharedFiles.imageBytes("ex_ref.png");
    private final List<byte[]> healthy = new ArrayList<>();
    private final List<byte[]> degraded = new ArrayList<>();

    DistortedVariants() {
        RgbImage base;
        try {
            base = ImageDecoder.decode(reference, "ex_ref.png", new ImageLimits(Long.MAX_VALUE, Long.MAX_VALUE, 1));
        } catch (ImageRejectedException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < COUNT; i++) {
            healthy.add(ImageEncoder.png(Distortions.addGaussianNoise(base, 3, i)));
            degraded.add(ImageEncoder.png(Distortions.addGaussianNoise(Distortions.gaussianBlur(base, 3), 40, i)));
        }
    }

    /** Variant {@code k mod COUNT}, healthy or degraded. */
    byte[] generated(boolean degrade, int k) {
        return (degrade ? degraded : healthy).get(k % COUNT);
    }
}
