package dev.perceptwatch.drift.eval;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.perceptwatch.drift.DriftSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DriftEvaluationTest {

    private static final DriftEvaluation.Options SMALL = new DriftEvaluation.Options(3, 4, 8, 3, 40, 20, 100, 0.02);

    private static final DriftSettings SHORT_WARMUP = new DriftSettings(10, DriftSettings.defaults().fireAfterWindows(),
            DriftSettings.defaults().resolveAfterWindows(), DriftSettings.defaults().minQuantileCount(),
            DriftSettings.defaults().metrics());

    private static List<DriftEvaluation.Row> run() {
        return new DriftEvaluation(SHORT_WARMUP).run(SMALL, ScoreSource.synthetic());
    }

    @Test
    void aSubsetOfConfigurationsReportsTheSameRowsAsTheFullRun() {
        // Each configuration has its own engine and state, so leaving others out changes none of its figures.
        List<DriftEvaluation.Row> subset = new DriftEvaluation(SHORT_WARMUP, List.of("naive-threshold", "combined"))
                .run(SMALL, ScoreSource.synthetic());
        List<DriftEvaluation.Row> full = run().stream()
                .filter(r -> r.detector().equals("combined") || r.detector().equals("naive-threshold")).toList();
        assertEquals(full, subset, "same rows, in report order");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new DriftEvaluation(SHORT_WARMUP, List.of("combined", "cusm")));
        assertEquals("unknown detector configuration 'cusm' (one of effect-size, two-window, cusum, p90-shift, "
                + "mean-square, combined, naive-threshold)", unknown.getMessage());
    }

    @Test
    void sameSeedSameReport() throws Exception {
        // Two independent runs of the seeded harness: any hidden randomness or iteration-order dependence
        // makes the reports differ.
        JsonMapper json = new JsonMapper();
        String first = json.writeValueAsString(run());
        String second = json.writeValueAsString(run());
        assertEquals(first, second);
    }

    @Test
    void reportsEveryScenarioAndDetectorWithTheDocumentedKeys() throws Exception {
        List<DriftEvaluation.Row> rows = run();
        assertEquals(6 * 7 * 3, rows.size(), "scenarios x detectors x (lpips, ssim, any)");
        assertEquals(Set.of("mean+5%", "mean+10%", "mean+25%", "variance", "tail", "none"),
                rows.stream().map(DriftEvaluation.Row::scenario).collect(Collectors.toSet()));
        assertEquals(Set.of("effect-size", "two-window", "cusum", "p90-shift", "mean-square", "combined",
                        "naive-threshold"),
                rows.stream().map(DriftEvaluation.Row::detector).collect(Collectors.toSet()));
        String first = new JsonMapper().writeValueAsString(rows.get(0));
        assertEquals(Set.of("lpips", "ssim", "any"),
                rows.stream().map(DriftEvaluation.Row::metric).collect(Collectors.toSet()));
        assertEquals(List.of("scenario", "detector", "metric", "median_delay_windows", "p90_delay_windows",
                "false_alarms_per_10k_windows"), fieldNames(first));
        for (DriftEvaluation.Row row : rows) {
            if (row.scenario().equals("none")) {
                assertNull(row.medianDelayWindows(), "no change, no delay");
            }
        }
        // A 25% mean shift is over 5 standard errors here: the default detector set must catch it in 8 windows.
        DriftEvaluation.Row big = rows.stream()
                .filter(r -> r.scenario().equals("mean+25%") && r.detector().equals("combined")
                        && r.metric().equals("lpips"))
                .findFirst().orElseThrow();
        assertNotNull(big.medianDelayWindows());
    }

    private static List<String> fieldNames(String jsonObject) throws Exception {
        List<String> names = new java.util.ArrayList<>();
        new JsonMapper().readTree(jsonObject).fieldNames().forEachRemaining(names::add);
        return names;
    }
}
