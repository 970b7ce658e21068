package dev.perceptwatch.config;

import dev.perceptwatch.scoring.ScoringDevice;
import dev.perceptwatch.scoring.ScoringEngine;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoringSettingsTest {

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @Test
    void onACpuEachCoreRunsItsOwnSingleThreadedBatch() {
        ScoringEngine.Options cpu = Settings.scoring(SettingsSource.of(Map.of()));
        assertEquals(ScoringDevice.CPU, cpu.device());
        assertEquals(1, cpu.intraOpThreads());
        assertEquals(CORES, cpu.batchWorkers());
    }

    @Test
    void onAGpuOneBatchRunsAtATime() {
        ScoringEngine.Options cuda = Settings.scoring(SettingsSource.of(Map.of("scoring.device", "cuda:1")));
        assertEquals(CORES, cuda.intraOpThreads());
        assertEquals(1, cuda.batchWorkers());
    }

    @Test
    void explicitThreadSettingsWinAndAreChecked() {
        ScoringEngine.Options chosen = Settings.scoring(SettingsSource.of(Map.of(
                "scoring.intra-op-threads", "2", "scoring.batch-workers", "3")));
        assertEquals(2, chosen.intraOpThreads());
        assertEquals(3, chosen.batchWorkers());
        SettingsException error = assertThrows(SettingsException.class,
                () -> Settings.scoring(SettingsSource.of(Map.of("scoring.batch-workers", "0"))));
        assertTrue(error.getMessage().contains("scoring.batch-workers"), error.getMessage());
    }

    @Test
    void theReferenceCacheIsOnByDefaultAndNeverOverHalfOfTheHeap() {
        SettingsSource none = SettingsSource.of(Map.of());
        assertEquals(256L << 20, Settings.referenceCacheBytes(none, 6L << 30), "256 MiB on a large heap");
        assertEquals(256L << 20, Settings.referenceCacheBytes(none, 1L << 30), "a quarter of the service's 1 GiB");
        assertEquals(64L << 20, Settings.referenceCacheBytes(none, 256L << 20), "a quarter of a smaller heap");
        assertEquals(0, Settings.referenceCacheBytes(
                SettingsSource.of(Map.of("scoring.reference-cache-bytes", "0")), 1L << 30), "0 turns it off");
        assertEquals(256L << 20, Settings.referenceCacheBytes(
                SettingsSource.of(Map.of("scoring.reference-cache-bytes", String.valueOf(256L << 20))), 1L << 30));
        SettingsException tooLarge = assertThrows(SettingsException.class, () -> Settings.referenceCacheBytes(
                SettingsSource.of(Map.of("scoring.reference-cache-bytes", "600000000")), 1L << 30));
        assertTrue(tooLarge.getMessage().contains("more than half of this JVM's maximum heap"), tooLarge.getMessage());
        assertThrows(SettingsException.class, () -> Settings.referenceCacheBytes(
                SettingsSource.of(Map.of("scoring.reference-cache-bytes", "-1")), 1L << 30));
        assertEquals(Settings.referenceCacheBytes(none, Runtime.getRuntime().maxMemory()),
                Settings.scoring(none).referenceCacheBytes());
    }
}
