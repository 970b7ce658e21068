package dev.perceptwatch.scoring;

import dev.perceptwatch.imaging.RgbImage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A reference image as decoded, and its backbone feature maps once a batch has computed them: all a later pair
 * needs of it, so that neither its decoding nor its backbone run is repeated. The entry is made when the
 * reference is first decoded, so pairs prepared while its maps are still being computed share it too; the first
 * batch that needs the maps {@link #claim claims} them, and any other batch waits for them instead of computing
 * them again.
 */
final class CachedReference {

    /** Object headers, the key, the cache's node: small beside the arrays, counted so the bound is honest. */
    static final int OVERHEAD_BYTES = 256;

    private final ContentDigest key;
    private final RgbImage image;
    private final long bytes;
    private final CompletableFuture<float[][]> layers = new CompletableFuture<>();
    private final AtomicBoolean claimed = new AtomicBoolean();

    /** @param layout the shapes of the image's maps, which the entry's size counts before they exist */
    CachedReference(ContentDigest key, RgbImage image, FeatureLayout layout) {
        this.key = key;
        this.image = image;
        this.bytes = layout.floats() * Float.BYTES + image.rgb().length + OVERHEAD_BYTES;
    }

    ContentDigest key() {
        return key;
    }

    RgbImage image() {
        return image;
    }

    /** The memory the entry holds once its maps are computed, and is counted for from the start. */
    long bytes() {
        return bytes;
    }

    /** Whether the maps are there to use now. */
    boolean ready() {
        return layers.isDone() && !layers.isCompletedExceptionally();
    }

    /** True for the one caller that is to compute the maps; false once another has claimed them. */
    boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /** Per backbone tap, the floats of its map, as the backbone wrote them; waits while another batch computes them. */
    float[][] layers() {
        return layers.join();
    }

    /** The claimed maps, computed; the arrays are not copied and must never change. */
    void computed(float[][] maps) {
        layers.complete(maps);
    }

    /** The claimed maps could not be computed: the pairs waiting for them fail too. */
    void failed(Throwable cause) {
        layers.completeExceptionally(cause);
    }
}
