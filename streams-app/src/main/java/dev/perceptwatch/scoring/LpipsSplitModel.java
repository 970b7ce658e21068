package dev.perceptwatch.scoring;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An LPIPS model as its two parts, on the device the full model runs on: the backbone (one image to its
 * unit-normalised feature maps) and the head (two images' maps to the distances). head(backbone(a),
 * backbone(b)) equals the full model bit for bit (MODELS.md, "Split models"), so features computed once can
 * be compared with any number of other images'. Sessions are shared by every thread, as the full model's.
 */
final class LpipsSplitModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LpipsSplitModel.class);
    static final String IMAGE = "image";

    private final String name;
    private final int layerCount;
    private final OrtSession backbone;
    private final OrtSession head;
    /** Feature shapes by image size: found once per size by running the backbone on one blank image. */
    private final LruCache<Long, FeatureLayout> layouts = new LruCache<>(256, layout -> 1, evicted -> { });
    private final SharedSessions sessions;

    private LpipsSplitModel(String name, int layerCount, SharedSessions sessions) {
        this.name = name;
        this.layerCount = layerCount;
        this.sessions = sessions;
        this.backbone = sessions.session(0);
        this.head = sessions.session(1);
    }

    /** Loads both parts on {@code device}, the device the full model got, and checks their inputs and outputs. */
    static LpipsSplitModel open(String name, ModelSpec spec, ResolvedSplit split, ScoringDevice device,
                                int intraOpThreads) {
        String parts = "the backbone and head of model '" + name + "'";
        try {
            SharedSessions sessions = SharedSessions.open(parts, parts + " are closed", OrtSessions.environment(),
                    List.of(split.backbone().bytes(), split.head().bytes()), device, intraOpThreads,
                    opened -> checkContract(name, spec.layers(), split, opened.get(0), opened.get(1)));
            LOG.info("loaded the backbone ({}, sha256 {}) and head ({}, sha256 {}) of model '{}' on {}",
                    split.backbone().file(), split.backbone().sha256(), split.head().file(), split.head().sha256(),
                    name, device);
            return new LpipsSplitModel(name, spec.layers(), sessions);
        } catch (OrtException | RuntimeException e) {
            if (e instanceof ScoringException scoring) {
                throw scoring;
            }
            throw new ScoringException("cannot load the backbone and head of model '" + name + "' ("
                    + split.backbone().file() + ", " + split.head().file() + ") on " + device + ": "
                    + e.getMessage(), e);
        }
    }

    private static void checkContract(String name, int layers, ResolvedSplit split, OrtSession backbone,
                                      OrtSession head) throws OrtException {
        Set<String> features = new HashSet<>();
        Set<String> headInputs = new HashSet<>();
        for (int k = 0; k < layers; k++) {
            features.add(feature(k));
            headInputs.add(features0(k));
            headInputs.add(features1(k));
        }
        if (!backbone.getInputNames().equals(Set.of(IMAGE)) || !backbone.getOutputNames().equals(features)) {
            throw new ScoringException("the backbone of model '" + name + "' (" + split.backbone().file()
                    + ") does not follow the split contract: inputs " + backbone.getInputNames() + " (expected ["
                    + IMAGE + "]), outputs " + backbone.getOutputNames() + " (expected " + features + ")");
        }
        if (!head.getInputNames().equals(headInputs) || !head.getOutputNames().containsAll(LpipsModel.SCALAR_OUTPUTS)) {
            throw new ScoringException("the head of model '" + name + "' (" + split.head().file() + ") does not"
                    + " follow the split contract: inputs " + head.getInputNames() + " (expected " + headInputs
                    + "), outputs " + head.getOutputNames() + " (expected " + LpipsModel.SCALAR_OUTPUTS + ")");
        }
    }

    private static String feature(int k) {
        return "feature_" + k;
    }

    private static String features0(int k) {
        return "features0_" + k;
    }

    private static String features1(int k) {
        return "features1_" + k;
    }

    public String name() {
        return name;
    }

    /** The shapes of one {@code width x height} image's feature maps. */
    FeatureLayout layout(int width, int height) {
        long size = ((long) width << 32) | height;
        FeatureLayout known = layouts.get(size);
        if (known == null) {
            // Two threads may probe the same new size at once; both find the same shapes.
            known = probe(width, height);
            layouts.put(size, known);
        }
        return known;
    }

    private FeatureLayout probe(int width, int height) {
        FloatBuffer blank = NativeBuffer.direct(3 * width * height);
        return read(() -> {
            try (OnnxTensor image = sessions.tensor(blank, new long[] {1, 3, height, width});
                 OrtSession.Result result = backbone.run(Map.of(IMAGE, image))) {
                List<FeatureLayout.Layer> layers = new ArrayList<>(layerCount);
                for (int k = 0; k < layerCount; k++) {
                    long[] shape = ((OnnxTensor) result.get(feature(k)).orElseThrow()).getInfo().getShape();
                    layers.add(new FeatureLayout.Layer((int) shape[1], (int) shape[2], (int) shape[3]));
                }
                return new FeatureLayout(layers);
            }
        }, "1 image of " + width + "x" + height);
    }

    /**
     * Runs the backbone on {@code images} images of {@code width x height} (NCHW floats from {@code input}'s
     * position) and writes their feature maps into {@code output}: per layer k, a direct native-order buffer of
     * exactly {@code images} times the layer's floats, which ONNX Runtime fills in place.
     */
    void features(int width, int height, int images, FloatBuffer input, FloatBuffer[] output) {
        FeatureLayout layout = layout(width, height);
        if (input.remaining() != (long) images * 3 * width * height || output.length != layerCount) {
            throw new IllegalArgumentException("backbone input of " + input.remaining() + " floats and "
                    + output.length + " output buffers do not match " + images + " image(s) of " + width + "x"
                    + height + " and " + layerCount + " layers");
        }
        read(() -> {
            Map<String, OnnxTensor> pinned = new HashMap<>();
            try (OnnxTensor image = sessions.tensor(input, new long[] {images, 3, height, width})) {
                for (int k = 0; k < layerCount; k++) {
                    pinned.put(feature(k), tensor(output[k], layout.shape(k, images), "feature_" + k));
                }
                backbone.run(Map.of(IMAGE, image), pinned).close();
                return null;
            } finally {
                pinned.values().forEach(OnnxValue::close);
            }
        }, images + " image(s) of " + width + "x" + height);
    }

    /**
     * Runs the head on {@code pairs} pairs: {@code features0[k]} and {@code features1[k]} hold the layer-k maps
     * of the first and second image of every pair, in pair order (direct buffers are used in place).
     */
    List<PerceptualScore> compare(int width, int height, int pairs, FloatBuffer[] features0,
                                  FloatBuffer[] features1) {
        FeatureLayout layout = layout(width, height);
        if (features0.length != layerCount || features1.length != layerCount) {
            throw new IllegalArgumentException("the head takes " + layerCount + " layers of each image, got "
                    + features0.length + " and " + features1.length);
        }
        return read(() -> {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                for (int k = 0; k < layerCount; k++) {
                    inputs.put(features0(k), tensor(features0[k], layout.shape(k, pairs), features0(k)));
                    inputs.put(features1(k), tensor(features1[k], layout.shape(k, pairs), features1(k)));
                }
                try (OrtSession.Result result = head.run(inputs, LpipsModel.SCALAR_OUTPUTS)) {
                    return LpipsModel.scores(result, width, height, pairs, layerCount, null, new boolean[pairs]);
                }
            } finally {
                inputs.values().forEach(OnnxValue::close);
            }
        }, pairs + " pair(s) of " + width + "x" + height);
    }

    private OnnxTensor tensor(FloatBuffer buffer, long[] shape, String what) throws OrtException {
        long floats = shape[0] * shape[1] * shape[2] * shape[3];
        if (buffer.remaining() != floats) {
            throw new IllegalArgumentException(what + " has " + buffer.remaining() + " floats, expected " + floats
                    + " for shape " + Arrays.toString(shape));
        }
        return sessions.tensor(buffer, shape);
    }

    private <T> T read(SharedSessions.Run<T> run, String what) {
        return sessions.run(run, "the backbone or head of model '" + name + "' failed on " + what);
    }

    @Override
    public void close() {
        sessions.close();
    }
}
