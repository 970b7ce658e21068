package dev.perceptwatch.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.perceptwatch.imaging.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
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
            List<PerceptualScore> scores = TestModels.score(model, 64, 64, TestImages.tensor(ref),
                    TestImages.tensor(ref), false);
            assertEquals(0.0, scores.get(0).lpips(), "d(a,a) = 0 (MODELS.md)");
            assertNull(scores.get(0).spatialMap());
        }
    }

    /**
     * The -Pcuda build (onnxruntime_gpu). On a machine with a usable GPU the session runs there and gives
     * MODELS.md's LPIPS(ex_ref, ex_p0) = 0.721881 for alex (to 1e-4: GPU kernels round differently); without
     * one (the GPU build on a CPU machine), ONNX Runtime's own failure comes back wrapped in the same clear
     * message, and the configured fallback scores on the CPU. Where an NVIDIA driver is loaded the GPU path
     * must work: a failure there fails the test instead of passing through the fallback.
     */
    private static final Path NVIDIA_DRIVER = Path.of("/proc/driver/nvidia/version");

    @Test
    void cudaWithTheGpuBuildScoresOnTheGpuOrFailsClearly() {
        assumeTrue(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this check is for the -Pcuda build (onnxruntime_gpu)");
        ResolvedModel alex = TestModels.resolver().resolve("lpips-alex");
        float[] ref = TestImages.tensor(TestImages.read("ex_ref.png"));
        float[] p0 = TestImages.tensor(TestImages.read("ex_p0.png"));
        LpipsModel onCuda;
        try {
            onCuda = LpipsModel.open(alex, ScoringDevice.parse("cuda"), false, 1);
        } catch (ScoringException e) {
            String message = e.getMessage();
            assertFalse(Files.exists(NVIDIA_DRIVER), "an NVIDIA driver is loaded (" + NVIDIA_DRIVER
                    + "), so the CUDA session must open: " + message);
            assertTrue(message.startsWith("CUDA requested (cuda:0) for model 'lpips-alex' but it is unavailable: "),
                    message);
            assertTrue(message.contains("-Pcuda") && message.contains("scoring.device-fallback=cpu"), message);
            try (LpipsModel fallback = LpipsModel.open(alex, ScoringDevice.parse("cuda"), true, 1)) {
                assertEquals(ScoringDevice.CPU, fallback.device());
                assertEquals(0.721881, TestModels.score(fallback, 64, 64, ref, p0, false).get(0).lpips(), 1e-5);
            }
            return;
        }
        try (LpipsModel model = onCuda) {
            assertEquals("cuda:0", model.device().toString());
            assertEquals(0.721881, TestModels.score(model, 64, 64, ref, p0, false).get(0).lpips(), 1e-4);
        }
    }

    @Test
    void scoresSeveralPairsInOneCallAndRefusesMismatchedTensors() {
        RgbImage ref = TestImages.read("ex_ref.png");
        RgbImage p0 = TestImages.read("ex_p0.png");
        float[] refs = concat(TestImages.tensor(ref), TestImages.tensor(ref));
        float[] others = concat(TestImages.tensor(p0), TestImages.tensor(ref));
        try (LpipsModel model = LpipsModel.open(TestModels.resolver().resolve("lpips-squeeze"), ScoringDevice.CPU,
                false, 1)) {
            List<PerceptualScore> scores = TestModels.score(model, 64, 64, refs, others, true);
            assertEquals(2, scores.size());
            // 0.711048 is MODELS.md's LPIPS(ref, p0) for squeeze; the second pair is identical images.
            assertEquals(0.711048, scores.get(0).lpips(), 1e-5);
            assertEquals(0.0, scores.get(1).lpips());
            assertEquals(7, scores.get(0).layerDistances().length);
            assertEquals(64 * 64, scores.get(1).spatialMap().length);

            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> TestModels.score(model, 64, 48, refs, others, false));
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
