package dev.perceptwatch.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.perceptwatch.imaging.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What the batcher tests share: the real AlexNet LPIPS model on the CPU and three sample photographs, loaded
 * once per test class, and the full model's score of a pair alone, which a batched score must equal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LpipsAlexFixture {

    static final long WAIT_S = 60;

    LpipsModel model;
    RgbImage astronaut;
    RgbImage coffee;
    RgbImage chelsea;

    @BeforeAll
    void loadModelAndImages() {
        model = TestModels.openOnCpu("lpips-alex");
        astronaut = TestImages.read("astronaut.png");
        coffee = TestImages.read("coffee.png");
        chelsea = TestImages.read("chelsea.png");
    }

    @AfterAll
    void closeModel() {
        model.close();
    }

    /** The full model's score of the pair run alone. */
    PerceptualScore unbatched(LpipsPair pair) {
        List<PerceptualScore> alone = TestModels.score(model, pair.width(), pair.height(),
                TestImages.tensor(pair.img0()), TestImages.tensor(pair.img1()), pair.wantSpatial());
        assertEquals(1, alone.size());
        return alone.get(0);
    }

    /** Submits the pairs in their order, then checks that each was scored as the full model scores it alone. */
    void assertScoredAsAlone(MicroBatcher batcher, List<LpipsPair> pairs) throws Exception {
        List<CompletableFuture<PerceptualScore>> futures = new ArrayList<>();
        for (LpipsPair pair : pairs) {
            futures.add(batcher.submit(pair));
        }
        for (int i = 0; i < pairs.size(); i++) {
            assertSameScore(unbatched(pairs.get(i)), futures.get(i).get(WAIT_S, TimeUnit.SECONDS), "pair " + i);
        }
    }

    /**
     * To 1e-6; the feature distance (about 8 for these crops) to 1e-6 of its value: float32 resolves 5e-7 there,
     * and the full model itself gives 7.8871465 for one of these pairs alone and 7.8871474 in a batch of three.
     */
    static void assertSameScore(PerceptualScore expected, PerceptualScore actual, String label) {
        assertEquals(expected.width(), actual.width(), label);
        assertEquals(expected.height(), actual.height(), label);
        assertEquals(expected.lpips(), actual.lpips(), 1e-6, label + " lpips");
        assertEquals(expected.featureDistance(), actual.featureDistance(),
                1e-6 * Math.max(1, Math.abs(expected.featureDistance())), label + " feature distance");
        assertArrayEquals(expected.layerDistances(), actual.layerDistances(), 1e-6, label + " layers");
        if (expected.spatialMap() == null) {
            assertNull(actual.spatialMap(), label + " spatial map not asked for");
        } else {
            assertArrayEquals(expected.spatialMap(), actual.spatialMap(), 1e-6f, label + " spatial map");
        }
    }
}
