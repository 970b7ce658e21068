package dev.perceptwatch.scoring;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One LPIPS ONNX model loaded on one device. The session is created once and shared by every thread
 * ({@code OrtSession.run} is thread-safe); {@link #close()} releases it on shutdown.
 */
public final class LpipsModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LpipsModel.class);

    static final String IMG0 = "img0";
    static final String IMG1 = "img1";
    static final String DISTANCE = "distance";
    static final String LAYER_DISTANCES = "layer_distances";
    static final String FEATURE_MSE = "feature_mse";
    static final String SPATIAL = "spatial";
    static final Set<String> SCALAR_OUTPUTS = Set.of(DISTANCE, LAYER_DISTANCES, FEATURE_MSE);
    private static final Set<String> ALL_OUTPUTS = Set.of(DISTANCE, LAYER_DISTANCES, FEATURE_MSE, SPATIAL);

    private final String name;
    private final ModelSpec spec;
    private final ScoringDevice device;
    private final OrtSession session;
    private final SharedSessions sessions;

    private LpipsModel(String name, ModelSpec spec, ScoringDevice device, SharedSessions sessions) {
        this.name = name;
        this.spec = spec;
        this.device = device;
        this.sessions = sessions;
        this.session = sessions.session(0);
    }

    /**
     * Loads a checked model on {@code device}. When CUDA is requested but unavailable this fails, unless
     * {@code cpuFallback} is set: then it logs a warning and runs on the CPU ({@link #device()} tells which).
     *
     * @param intraOpThreads ONNX Runtime's intra-op thread count (the service's default,
     *     {@code scoring.intra-op-threads}: 1 on the CPU, where batch workers run in parallel, and the number
     *     of available processors on CUDA)
     */
    static LpipsModel open(ResolvedModel model, ScoringDevice device, boolean cpuFallback, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1, got " + intraOpThreads);
        }
        OrtEnvironment env = OrtSessions.environment();
        if (device.kind() == ScoringDevice.Kind.CUDA) {
            String problem;
            if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                problem = "the ONNX Runtime on the classpath has no CUDA execution provider (available: "
                        + OrtEnvironment.getAvailableProviders() + ")";
            } else {
                try {
                    return new LpipsModel(model.name(), model.spec(), device,
                            openSession(env, model, device, intraOpThreads));
                } catch (OrtException e) {
                    problem = e.getMessage();
                }
            }
            String reason = "CUDA requested (" + device + ") for model '" + model.name() + "' but it is unavailable: "
                    + problem + ". Build with -Pcuda (onnxruntime_gpu) on a machine with a CUDA GPU,"
                    + " or set scoring.device-fallback=cpu to run on the CPU instead";
            if (!cpuFallback) {
                throw new ScoringException(reason);
            }
            LOG.warn("{}; falling back to the CPU as configured", reason);
        }
        try {
            return new LpipsModel(model.name(), model.spec(), ScoringDevice.CPU,
                    openSession(env, model, ScoringDevice.CPU, intraOpThreads));
        } catch (OrtException e) {
            throw new ScoringException("cannot load model '" + model.name() + "' from " + model.file() + ": "
                    + e.getMessage(), e);
        }
    }

    private static SharedSessions openSession(OrtEnvironment env, ResolvedModel model, ScoringDevice device,
                                              int intraOpThreads) throws OrtException {
        SharedSessions session = SharedSessions.open("model '" + model.name() + "'",
                "model '" + model.name() + "' is closed", env, List.of(model.onnx()), device, intraOpThreads,
                opened -> checkContract(model, opened.get(0)));
        LOG.info("loaded model '{}' ({}, sha256 {}) on {} with {} intra-op threads", model.name(), model.file(),
                model.sha256(), device, intraOpThreads);
        return session;
    }

    private static void checkContract(ResolvedModel model, OrtSession session) throws OrtException {
        if (!session.getInputNames().equals(Set.of(IMG0, IMG1)) || !session.getOutputNames().containsAll(ALL_OUTPUTS)) {
            throw new ScoringException("model '" + model.name() + "' (" + model.file() + ") does not follow the LPIPS"
                    + " contract: inputs " + session.getInputNames() + " (expected [img0, img1]), outputs "
                    + session.getOutputNames() + " (expected " + ALL_OUTPUTS + ")");
        }
        String backbone = session.getMetadata().getCustomMetadata().get("backbone");
        if (backbone != null && !backbone.equals(model.spec().backbone())) {
            throw new ScoringException("model '" + model.name() + "' (" + model.file() + ") has backbone " + backbone
                    + " but the manifest says " + model.spec().backbone());
        }
    }

    public String name() {
        return name;
    }

    /** The device the session actually runs on (cpu after a fallback). */
    public ScoringDevice device() {
        return device;
    }

    /**
     * Scores {@code pairs} pairs of H x W images, float32 NCHW, from the buffers' positions: direct buffers in
     * native order are handed to ONNX Runtime without a copy, heap ones are copied.
     *
     * @param spatialFor per pair, whether its spatial map is wanted
     */
    List<PerceptualScore> score(int width, int height, int pairs, FloatBuffer img0, FloatBuffer img1,
                                boolean[] spatialFor) {
        checkInput(width, height, pairs, img0.remaining(), img1.remaining());
        return sessions.run(() -> run(width, height, pairs, img0, img1, spatialFor),
                "model '" + name + "' failed on " + pairs + " pair(s) of " + width + "x" + height);
    }

    private List<PerceptualScore> run(int width, int height, int pairs, FloatBuffer img0, FloatBuffer img1,
                                      boolean[] spatialFor) throws OrtException {
        boolean anySpatial = false;
        for (boolean wanted : spatialFor) {
            anySpatial |= wanted;
        }
        long[] shape = {pairs, 3, height, width};
        try (OnnxTensor t0 = sessions.tensor(img0, shape);
             OnnxTensor t1 = sessions.tensor(img1, shape);
             OrtSession.Result result = session.run(Map.of(IMG0, t0, IMG1, t1),
                     anySpatial ? ALL_OUTPUTS : SCALAR_OUTPUTS)) {
            float[] maps = anySpatial ? floats(result, SPATIAL, pairs * height * width) : null;
            return scores(result, width, height, pairs, spec.layers(), maps, spatialFor);
        }
    }

    int minInputSide() {
        return spec.minInputSide();
    }

    /** Refuses inputs the model cannot run, with a message saying why, before ORT sees them. */
    void checkInput(int width, int height, int pairs, long floats0, long floats1) {
        if (width < spec.minInputSide() || height < spec.minInputSide()) {
            throw new IllegalArgumentException("image " + width + "x" + height + " is below the minimum side "
                    + spec.minInputSide() + " of model '" + name + "'");
        }
        long expected = 3L * width * height * Math.max(pairs, 1);
        if (pairs < 1 || floats0 != expected || floats1 != expected) {
            throw new IllegalArgumentException("tensor lengths img0=" + floats0 + ", img1=" + floats1
                    + " do not match " + (pairs < 1 ? "a whole number of" : String.valueOf(pairs))
                    + " pair(s) of " + width + "x" + height + " RGB images (3*H*W = " + 3L * width * height
                    + " floats per image)");
        }
    }

    /**
     * The scores of a run's {@code distance}, {@code feature_mse} and {@code layer_distances} outputs (the full
     * model's, or the head's, which has the same three), with the spatial maps of the pairs that asked.
     */
    static List<PerceptualScore> scores(OrtSession.Result result, int width, int height, int pairs, int layerCount,
                                        float[] maps, boolean[] spatialFor) {
        float[] distance = floats(result, DISTANCE, pairs);
        float[] features = floats(result, FEATURE_MSE, pairs);
        float[] layerTerms = floats(result, LAYER_DISTANCES, pairs * layerCount);
        List<PerceptualScore> scores = new ArrayList<>(pairs);
        for (int i = 0; i < pairs; i++) {
            double[] layers = new double[layerCount];
            for (int k = 0; k < layers.length; k++) {
                layers[k] = layerTerms[i * layers.length + k];
            }
            float[] map = spatialFor[i] ? Arrays.copyOfRange(maps, i * height * width, (i + 1) * height * width) : null;
            scores.add(new PerceptualScore(distance[i], features[i], layers, map, width, height));
        }
        return scores;
    }

    private static float[] floats(OrtSession.Result result, String output, int expectedLength) {
        OnnxTensor tensor = (OnnxTensor) result.get(output)
                .orElseThrow(() -> new ScoringException("the model returned no '" + output + "' output"));
        FloatBuffer buffer = tensor.getFloatBuffer();
        if (buffer.remaining() != expectedLength) {
            throw new ScoringException("output '" + output + "' has " + buffer.remaining() + " values, expected "
                    + expectedLength);
        }
        float[] values = new float[expectedLength];
        buffer.get(values);
        return values;
    }

    @Override
    public void close() {
        sessions.close();
    }
}
