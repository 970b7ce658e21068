package dev.perceptwatch.config;

import dev.perceptwatch.drift.DetectorKind;
import dev.perceptwatch.drift.DriftSettings;
import dev.perceptwatch.drift.MetricDriftSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriftSettingsReaderTest {

    @Test
    void detectorKnobsComeFromTheFileAndTheEnvironmentOverridesThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("service.properties");
        Files.writeString(file, """
                kafka.bootstrap.servers=ignored:9092
                drift.lpips.cusum-reference=1.5
                drift.lpips.cusum-decision=3.5
                drift.lpips.two-window-z=3.6
                drift.lpips.detectors=two-window,cusum
                drift.lpips.naive-relative-change=0.6
                """);
        MetricDriftSettings lpips = Settings.loadDrift(file, Map.of("PERCEPTWATCH_DRIFT_LPIPS_CUSUM_DECISION", "2.75",
                "PERCEPTWATCH_DRIFT_LPIPS_CUSUM_HEADROOM", "1")).detection().forMetric("lpips");

        assertEquals(1.5, lpips.cusumReference());
        assertEquals(2.75, lpips.cusumDecision());
        assertEquals(1.0, lpips.cusumHeadroom());
        assertEquals(3.6, lpips.twoWindowZ());
        assertEquals(0.6, lpips.naiveRelativeChange());
        assertEquals(Set.of(DetectorKind.TWO_WINDOW, DetectorKind.CUSUM), lpips.detectors());
        MetricDriftSettings untouched = DriftSettings.defaults().forMetric("ssim");
        assertEquals(untouched, Settings.loadDrift(file, Map.of()).detection().forMetric("ssim"));
    }

    @Test
    void anInvalidKnobNamesTheMetric() {
        SettingsException error = assertThrows(SettingsException.class,
                () -> Settings.loadDrift(null, Map.of("PERCEPTWATCH_DRIFT_MSE_CUSUM_DECISION", "0")));
        assertTrue(error.getMessage().contains("drift.mse.") && error.getMessage().contains("cusumDecision"),
                error.getMessage());
    }

    @Test
    void theServiceSettingsAcceptTheCusumKeys() {
        Settings settings = Settings.load(null, Map.of("PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092",
                "PERCEPTWATCH_DRIFT_LPIPS_CUSUM_REFERENCE", "1.25"));
        assertEquals(1.25, settings.drift().detection().forMetric("lpips").cusumReference());
    }

    @Test
    void rebaselinesAreModelVersionAndAnInstantOrAClearError() {
        Settings settings = Settings.load(null, Map.of("PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092",
                "PERCEPTWATCH_DRIFT_REBASELINES", "faces:v7@2026-12-02T10:00:00Z, sdxl:2025-11@2026-12-01T00:00:00Z"));
        assertEquals(Instant.parse("2026-12-02T10:00:00Z"), settings.drift().rebaselineFor("faces", "v7"));
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), settings.drift().rebaselineFor("sdxl", "2025-11"));
        assertNull(settings.drift().rebaselineFor("faces", "v8"));
        for (String bad : List.of("faces@2026-12-02T10:00:00Z", "faces:v7@yesterday", "faces:v7")) {
            SettingsException error = assertThrows(SettingsException.class, () -> Settings.load(null, Map.of(
                    "PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "PERCEPTWATCH_DRIFT_REBASELINES", bad)));
            assertTrue(error.getMessage().startsWith("drift.rebaselines: '" + bad + "'"), error.getMessage());
        }
    }

    @Test
    void environmentVariablesReachTheKnobsOfMetricsWithAnUnderscoreInTheirName() {
        Settings settings = Settings.load(null, Map.of("PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092",
                "PERCEPTWATCH_DRIFT_MS_SSIM_EFFECT_SIZE_Z", "4.5",
                "PERCEPTWATCH_DRIFT_FEATURE_DISTANCE_CUSUM_DECISION", "7"));
        assertEquals(4.5, settings.drift().detection().forMetric("ms_ssim").effectSizeZ());
        assertEquals(7.0, settings.drift().detection().forMetric("feature_distance").cusumDecision());
    }
}
