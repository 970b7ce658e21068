package dev.perceptwatch.scoring;

import dev.perceptwatch.testing.SharedFiles;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

/** The real LPIPS models from the shared folder, resolved and checked like the service does. */
final class TestModels {

    private TestModels() {
    }

    static ModelResolver resolver() {
        return new ModelResolver(ModelManifest.fromClasspath(), List.of(SharedFiles.modelsDir()));
    }

    /** The model's backbone and head, one intra-op thread each, as the service runs them on a CPU. */
    static LpipsSplitModel openSplitOnCpu(String name) {
        return LpipsSplitModel.open(name, ModelManifest.fromClasspath().model(name),
                resolver().resolveSplit(name).orElseThrow(), ScoringDevice.CPU, 1);
    }

    /**
     * Scores N pairs of H x W images given as float32 NCHW arrays of N*3*H*W values each, through the model's
     * buffer API (heap buffers: ONNX Runtime copies them, one copy, as a direct buffer of the caller's would be).
     */
    static List<PerceptualScore> score(LpipsModel model, int width, int height, float[] img0, float[] img1,
                                       boolean wantSpatial) {
        long perImage = 3L * width * height;
        int pairs = perImage > 0 && img0.length % perImage == 0 ? (int) (img0.length / perImage) : -1;
        boolean[] spatialFor = new boolean[Math.max(pairs, 0)];
        Arrays.fill(spatialFor, wantSpatial);
        return model.score(width, height, pairs, FloatBuffer.wrap(img0), FloatBuffer.wrap(img1), spatialFor);
    }

    static LpipsModel openOnCpu(String name) {
        return LpipsModel.open(resolver().resolve(name), ScoringDevice.CPU, false,
                Runtime.getRuntime().availableProcessors());
    }
}
