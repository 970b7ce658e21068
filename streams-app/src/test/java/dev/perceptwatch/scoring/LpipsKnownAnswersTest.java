package dev.perceptwatch.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.perceptwatch.imaging.RgbImage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The upstream LPIPS example triplet scored through the micro-batcher. Every expected value is copied from
 * shared/models/MODELS.md, section "Example-image distances (these ONNX files, ORT Java = PyTorch)" and
 * the "Per-layer terms" list below it; MODELS.md states them equal to PyTorch's lpips.LPIPS output.
 */
class LpipsKnownAnswersTest {

    private static final double TOLERANCE = 1e-5;

    record Expected(double distance, double featureMse, double spatialMean, double[] layers) {
    }

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("lpips-alex",
                        new Expected(0.721881, 4.826556, 0.721858,
                                new double[] {0.0181317, 0.2869684, 0.1598577, 0.1190035, 0.1379194}),
                        new Expected(0.137566, 2.206010, 0.137554,
                                new double[] {0.0117387, 0.0297147, 0.0353804, 0.0343684, 0.0263634})),
                Arguments.of("lpips-squeeze",
                        new Expected(0.711048, 6.040975, 0.711023,
                                new double[] {0.0098907, 0.0069029, 0.1288101, 0.2609783, 0.1506811, 0.0881419,
                                    0.0656426}),
                        new Expected(0.147902, 2.877766, 0.147897,
                                new double[] {0.0167133, 0.0035974, 0.0145240, 0.0369134, 0.0295063, 0.0223599,
                                    0.0242873})));
    }

    @ParameterizedTest
    @MethodSource("models")
    void exampleTripletMatchesModelsMd(String modelName, Expected p0, Expected p1) throws Exception {
        RgbImage ref = TestImages.read("ex_ref.png");
        try (LpipsModel model = TestModels.openOnCpu(modelName);
             MicroBatcher batcher = new MicroBatcher(model, null, 2, Duration.ofSeconds(5), 4, 1,
                     BatchListener.NONE)) {
            CompletableFuture<PerceptualScore> first =
                    batcher.submit(TestImages.pair(ref, TestImages.read("ex_p0.png"), true));
            CompletableFuture<PerceptualScore> second =
                    batcher.submit(TestImages.pair(ref, TestImages.read("ex_p1.png"), true));

            assertMatches(p0, first.get(60, TimeUnit.SECONDS));
            assertMatches(p1, second.get(60, TimeUnit.SECONDS));
        }
    }

    private static void assertMatches(Expected expected, PerceptualScore score) {
        assertEquals(64, score.width());
        assertEquals(64, score.height());
        assertEquals(expected.distance(), score.lpips(), TOLERANCE, "distance");
        assertEquals(expected.featureMse(), score.featureDistance(), TOLERANCE, "feature_mse");
        assertArrayEquals(expected.layers(), score.layerDistances(), TOLERANCE, "layer_distances");
        assertEquals(64 * 64, score.spatialMap().length);
        double sum = 0;
        for (float value : score.spatialMap()) {
            sum += value;
        }
        assertEquals(expected.spatialMean(), sum / score.spatialMap().length, TOLERANCE, "spatial mean");
    }
}
