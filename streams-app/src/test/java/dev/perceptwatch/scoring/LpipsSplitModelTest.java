package dev.perceptwatch.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.imaging.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The backbone and head of the shared models against the full models they were cut from. */
class LpipsSplitModelTest {

    /** MODELS.md, "Split models": channels per tap. */
    @Test
    void layoutHasTheChannelsOfMODELSmdAndTheMapsShrinkWithTheStrides() {
        try (LpipsSplitModel alex = TestModels.openSplitOnCpu("lpips-alex");
             LpipsSplitModel squeeze = TestModels.openSplitOnCpu("lpips-squeeze")) {
            FeatureLayout layout = alex.layout(256, 256);
            assertEquals(List.of(64, 192, 384, 256, 256),
                    layout.layers().stream().map(FeatureLayout.Layer::channels).toList());
            assertEquals(List.of(63, 31, 15, 15, 15), layout.layers().stream().map(FeatureLayout.Layer::height).toList());
            // MODELS.md: "alex about 640 thousand floats (2.6 MB) at 256x256".
            assertEquals(640_128, layout.floats());
            assertEquals(List.of(64, 128, 256, 384, 384, 512, 512),
                    squeeze.layout(96, 64).layers().stream().map(FeatureLayout.Layer::channels).toList());
            assertEquals(7, squeeze.layout(96, 64).layers().size());
        }
    }

    /**
     * MODELS.md: head(backbone(a), backbone(b)) equals the full model's three scalar outputs bit for bit; here
     * with the backbone run once over all four images of the two pairs, as the batcher runs it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lpips-alex", "lpips-squeeze"})
    void headOfBackboneEqualsTheFullModelBitForBit(String name) {
        RgbImage ref = TestImages.read("ex_ref.png");
        RgbImage p0 = TestImages.read("ex_p0.png");
        RgbImage p1 = TestImages.read("ex_p1.png");
        try (LpipsModel full = TestModels.openOnCpu(name);
             LpipsSplitModel split = TestModels.openSplitOnCpu(name)) {
            List<PerceptualScore> expected = TestModels.score(full, 64, 64, concat(p0, p1), concat(ref, ref), false);

            FeatureLayout layout = split.layout(64, 64);
            FloatBuffer[] features = new FloatBuffer[layout.layers().size()];
            FloatBuffer[] generated = new FloatBuffer[layout.layers().size()];
            FloatBuffer[] references = new FloatBuffer[layout.layers().size()];
            for (int k = 0; k < features.length; k++) {
                int floats = layout.layers().get(k).floats();
                features[k] = direct(4 * floats);
                generated[k] = features[k].duplicate().position(0).limit(2 * floats).slice();
                // The reference's maps (image 2) twice, as the head's second input.
                references[k] = direct(2 * floats);
            }
            FloatBuffer images = direct(4 * 3 * 64 * 64);
            for (RgbImage image : List.of(p0, p1, ref, p1)) {
                Tensors.writeNchw(image, images);
            }
            split.features(64, 64, 4, images.flip(), features);
            for (int k = 0; k < features.length; k++) {
                int floats = layout.layers().get(k).floats();
                FloatBuffer refMaps = features[k].duplicate().position(2 * floats).limit(3 * floats).slice();
                references[k].put(refMaps.duplicate()).put(refMaps.duplicate()).flip();
            }
            List<PerceptualScore> actual = split.compare(64, 64, 2, generated, references);

            for (int i = 0; i < 2; i++) {
                assertEquals(expected.get(i).lpips(), actual.get(i).lpips(), 0, "distance of pair " + i);
                assertEquals(expected.get(i).featureDistance(), actual.get(i).featureDistance(), 0, "feature_mse");
                assertArrayEquals(expected.get(i).layerDistances(), actual.get(i).layerDistances(), 0, "layers");
            }
        }
    }

    @Test
    void buffersOfTheWrongLengthAndAClosedModelAreRefusedClearly() {
        LpipsSplitModel split = TestModels.openSplitOnCpu("lpips-alex");
        FloatBuffer[] outputs = new FloatBuffer[5];
        String message = assertThrows(IllegalArgumentException.class,
                () -> split.features(64, 64, 2, direct(3 * 64 * 64), outputs)).getMessage();
        assertTrue(message.contains("do not match 2 image(s) of 64x64"), message);
        split.close();
        String closed = assertThrows(IllegalStateException.class, () -> split.layout(80, 80)).getMessage();
        assertEquals("the backbone and head of model 'lpips-alex' are closed", closed);
    }

    private static float[] concat(RgbImage first, RgbImage second) {
        float[] both = new float[2 * Tensors.floatCount(first)];
        FloatBuffer buffer = FloatBuffer.wrap(both);
        Tensors.writeNchw(first, buffer);
        Tensors.writeNchw(second, buffer);
        return both;
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
