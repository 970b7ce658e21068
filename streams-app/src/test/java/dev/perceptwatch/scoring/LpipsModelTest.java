package dev.perceptwatch.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.perceptwatch.testing.SharedFiles;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.imaging.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

class LpipsModelTest {

    @Test
    void cudaWithoutTheGpuBuildFailsClearlyUnlessFallbackIsConfigured() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this check is for the default (CPU-only) onnxruntime artifact");
        ResolvedModel alex = TestModels.resolver().resolve("lpips-alex");

        ScoringException error = assertThrows(ScoringException.class,
                () -> LpipsModel.open(alex, ScoringDevice.parse("cuda:1"), false, 1));
        String message = error.getMessage();
        assertTrue(message.startsWith("CUDA requested (cuda:1) for model 'lpips-alex' but it is unavailable"), message);
        assertTrue(message.contains("no CUDA execution provider"), message);
        assertTrue(message.contains("-Pcuda") && message.contains("scoring.device-fallback=cpu"), message);

        try (LpipsModel model = LpipsModel.open(alex, ScoringDevice.parse("cuda"), true, 1)) {
            assertEquals(ScoringDevice.CPU, model.device());
            assertEquals("cpu", model.device().toString());
            RgbImage ref = TestImages.read("ex_ref.png");
            List<PerceptualScore> scores = model.score(64, 64, Tensors.toNchw(ref), Tensors.toNchw(ref), false);
            assertEquals(0.0, scores.get(0).lpips(), "d(a,a) = 0 (MODELS.md)");
            assertNull(scores.get(0).spatialMap());
        }
    }

    @Test
    void scoresSeveralPairsInOneCallAndRefusesMismatchedTensors() {
        RgbImage ref = TestImages.read("ex_ref.png");
        RgbImage p0 = TestImages.read("ex_p0.png");
        float[] refs = concat(Tensors.toNchw(ref), Tensors.toNchw(ref));
        float[] others = concat(Tensors.toNchw(p0), Tensors.toNchw(ref));
        try (LpipsModel model = LpipsModel.open("lpips-squeeze", List.of(SharedFiles.modelsDir()), ScoringDevice.CPU,
                false, 1)) {
            List<PerceptualScore> scores = model.score(64, 64, refs, others, true);
            assertEquals(2, scores.size());
            // 0.711048 is MODELS.md's LPIPS(ref, p0) for squeeze; the second pair is identical images.
            assertEquals(0.711048, scores.get(0).lpips(), 1e-5);
            assertEquals(0.0, scores.get(1).lpips());
            assertEquals(7, scores.get(0).layerDistances().length);
            assertEquals(64 * 64, scores.get(1).spatialMap().length);

            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> model.score(64, 48, refs, others, false));
            assertTrue(error.getMessage().contains("do not match a whole number of pair(s) of 64x48"), error.getMessage());
        }
    }

    @Test
    void deviceNamesParse() {
        assertEquals("cpu", ScoringDevice.parse(" CPU ").toString());
        assertEquals("cuda:0", ScoringDevice.parse("cuda").toString());
        assertEquals("cuda:3", ScoringDevice.parse("cuda:3").toString());
        String message = assertThrows(IllegalArgumentException.class, () -> ScoringDevice.parse("gpu")).getMessage();
        assertEquals("unknown scoring device 'gpu': use cpu, cuda or cuda:N", message);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] both = new float[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
