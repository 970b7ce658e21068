package dev.perceptwatch.scoring;

import java.util.List;

/**
 * The shapes of the feature maps the backbone makes of one image of a given size, layer by layer.
 *
 * @param layers one entry per backbone tap, in the order of the {@code feature_k} outputs
 */
record FeatureLayout(List<Layer> layers) {

    /** One tap's feature map of one image: {@code channels x height x width} floats. */
    public record Layer(int channels, int height, int width) {
        public int floats() {
            return channels * height * width;
        }
    }

    public FeatureLayout {
        layers = List.copyOf(layers);
    }

    /** Floats of every layer of one image. */
    public long floats() {
        return layers.stream().mapToLong(Layer::floats).sum();
    }

    /** The ONNX shape of {@code images} images' maps of layer {@code k}. */
    long[] shape(int k, int images) {
        Layer layer = layers.get(k);
        return new long[] {images, layer.channels(), layer.height(), layer.width()};
    }
}
