package dev.perceptwatch.scoring;

import java.nio.FloatBuffer;

/**
 * A model-running thread's native buffers, reused across batches (see {@link NativeBuffer} for their size): the
 * batcher's workers', and {@link ModelLimits}' threads, which run the model as they do. Not thread-safe.
 */
final class BatchBuffers {
    private final NativeBuffer first = new NativeBuffer();
    private final NativeBuffer second = new NativeBuffer();
    private final NativeBuffer features = new NativeBuffer();
    private final NativeBuffer references = new NativeBuffer();

    FloatBuffer first(int floats) {
        return first.take(floats);
    }

    FloatBuffer second(int floats) {
        return second.take(floats);
    }

    /** Per layer, room for exactly {@code images} images' maps, for the backbone to write. */
    FloatBuffer[] features(FeatureLayout layout, int images) {
        return perLayer(features.take(Math.toIntExact(layout.floats() * images)), layout, images);
    }

    /** Per layer, empty room for {@code images} images' maps, to pack the head's references into. */
    FloatBuffer[] references(FeatureLayout layout, int images) {
        return perLayer(references.take(Math.toIntExact(layout.floats() * images)), layout, images);
    }

    /** {@code length} floats of {@code buffer} from {@code offset}, as a buffer of their own (no copy). */
    static FloatBuffer range(FloatBuffer buffer, int offset, int length) {
        return buffer.duplicate().position(offset).limit(offset + length).slice();
    }

    private static FloatBuffer[] perLayer(FloatBuffer buffer, FeatureLayout layout, int images) {
        FloatBuffer[] layers = new FloatBuffer[layout.layers().size()];
        int offset = 0;
        for (int k = 0; k < layers.length; k++) {
            int length = layout.layers().get(k).floats() * images;
            layers[k] = range(buffer, offset, length);
            offset += length;
        }
        return layers;
    }
}
