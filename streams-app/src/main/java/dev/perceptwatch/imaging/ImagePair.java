package dev.perceptwatch.imaging;

import com.twelvemonkeys.image.ResampleOp;
import dev.perceptwatch.contract.RejectReason;

/** A generated image and its reference, guaranteed to have the same size. */
public record ImagePair(RgbImage generated, RgbImage reference) {

    public ImagePair {
        if (generated.width() != reference.width() || generated.height() != reference.height()) {
            throw new IllegalArgumentException("pair sizes differ: generated " + generated.sizeText()
                    + ", reference " + reference.sizeText() + "; use ImagePair.align");
        }
    }

    /**
     * Pairs two images under a size policy. {@link SizePolicy#RESIZE_TO_REFERENCE} resamples the generated
     * image with TwelveMonkeys' {@link ResampleOp} and its Lanczos filter (3 lobes), the usual choice for
     * photographic down- and up-scaling; the reference is never touched.
     *
     * @throws ImageRejectedException {@code SIZE_MISMATCH} under {@link SizePolicy#REJECT} when sizes differ
     */
    public static ImagePair align(RgbImage generated, RgbImage reference, SizePolicy policy, String sourceName)
            throws ImageRejectedException {
        if (generated.width() == reference.width() && generated.height() == reference.height()) {
            return new ImagePair(generated, reference);
        }
        if (policy == SizePolicy.REJECT) {
            throw new ImageRejectedException(RejectReason.SIZE_MISMATCH, sourceName, "generated image is "
                    + generated.sizeText() + " but the reference is " + reference.sizeText()
                    + " (size policy " + policy.configName() + ")");
        }
        ResampleOp lanczos = new ResampleOp(reference.width(), reference.height(), ResampleOp.FILTER_LANCZOS);
        RgbImage resized = Rasters.toRgb(lanczos.filter(Rasters.toBufferedImage(generated), null));
        return new ImagePair(resized, reference);
    }
}
