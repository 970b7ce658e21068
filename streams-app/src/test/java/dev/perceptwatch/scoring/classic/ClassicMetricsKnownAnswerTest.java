package dev.perceptwatch.scoring.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.perceptwatch.imaging.RgbImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Compares with expected.csv, written by make_fixtures.py (beside it) from the PNGs FixtureImages writes:
 * skimage 0.19.3 for MSE, PSNR and SSIM, an independent numpy/scipy MS-SSIM for MS-SSIM. The header line
 * of expected.csv records the command. The worst differences measured are in docs/METRICS.md.
 */
class ClassicMetricsKnownAnswerTest {

    private static final double SSIM_TOLERANCE = 1e-9;
    private static final double RELATIVE_TOLERANCE = 1e-12;

    @Test
    void matchesTheIndependentImplementation() throws Exception {
        FixtureImages fixtures = new FixtureImages();
        Map<String, FixtureImages.Pair> pairs = fixtures.pairs().stream()
                .collect(Collectors.toMap(FixtureImages.Pair::id, Function.identity()));
        List<String[]> rows = expectedRows();
        assertEquals(pairs.keySet(), rows.stream().map(row -> row[0]).collect(Collectors.toSet()),
                "expected.csv must cover exactly the fixture pairs: regenerate it (see make_fixtures.py)");
        double[] worst = new double[4];
        for (String[] row : rows) {
            FixtureImages.Pair pair = pairs.get(row[0]);
            assertEquals(pair.generated(), row[1], row[0]);
            assertEquals(pair.reference(), row[2], row[0]);
            RgbImage generated = fixtures.images().get(pair.generated());
            RgbImage reference = fixtures.images().get(pair.reference());
            ClassicScores scores = ClassicMetrics.compute(generated, reference, EnumSet.allOf(ClassicMetric.class));
            worst[0] = Math.max(worst[0], relative(Double.parseDouble(row[3]), scores.mse(), row[0] + " mse"));
            worst[1] = Math.max(worst[1], relative(parsePsnr(row[4]), scores.psnr(), row[0] + " psnr"));
            worst[2] = Math.max(worst[2], absolute(Double.parseDouble(row[5]), scores.ssim(), row[0] + " ssim"));
            if (row.length < 7 || row[6].isEmpty()) {
                assertNull(scores.msSsim(), row[0] + " ms-ssim should be undefined");
            } else {
                worst[3] = Math.max(worst[3], absolute(Double.parseDouble(row[6]), scores.msSsim(), row[0] + " ms-ssim"));
            }
        }
        System.out.printf("worst differences over %d pairs: mse %.3g (relative), psnr %.3g (relative), "
                + "ssim %.3g, ms-ssim %.3g%n", rows.size(), worst[0], worst[1], worst[2], worst[3]);
    }

    private static double relative(double expected, double actual, String what) {
        if (Double.isInfinite(expected) || expected == 0) {
            assertEquals(expected, actual, what);
            return 0;
        }
        double difference = Math.abs(actual - expected) / Math.abs(expected);
        assertEquals(0, difference, RELATIVE_TOLERANCE, () -> what + ": expected " + expected + ", got " + actual);
        return difference;
    }

    private static double absolute(double expected, double actual, String what) {
        assertEquals(expected, actual, SSIM_TOLERANCE, what);
        return Math.abs(actual - expected);
    }

    private static double parsePsnr(String text) {
        return text.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(text);
    }

    private static List<String[]> expectedRows() throws Exception {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                ClassicMetricsKnownAnswerTest.class.getResourceAsStream("/fixtures/classic/expected.csv"),
                StandardCharsets.UTF_8))) {
            return reader.lines()
                    .filter(line -> !line.startsWith("#") && !line.startsWith("id,"))
                    .map(line -> line.split(",", -1))
                    .collect(Collectors.toList());
        }
    }
}
