package dev.perceptwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleSettingsTest {
    private static final Settings.Observability METRICS = new Settings.Observability("0.0.0.0", 9400, 200);

    private static Settings.Console console(Map<String, String> values) {
        return Settings.console(SettingsSource.of(values), METRICS);
    }

    @Test
    void byDefaultTheConsoleListensOnLoopbackNextToTheMetricsWithoutToken() {
        // Loopback even where the metrics listen on every interface: images are the models' outputs.
        Settings.Console defaults = console(Map.of());
        assertTrue(defaults.enabled());
        assertEquals("127.0.0.1", defaults.host());
        assertEquals(9401, defaults.port());
        assertNull(defaults.token());
        assertNull(defaults.externalUrl());
        assertEquals(4, defaults.maxConcurrentRequests());
        assertEquals(0, Settings.console(SettingsSource.of(Map.of()),
                new Settings.Observability("127.0.0.1", 0, 200)).port(), "a free port beside a free metrics port");
    }

    @Test
    void theBindAddressPortAndTokenAreConfigurableAndTheTokenNeverPrinted() {
        Settings.Console set = console(Map.of("console.host", "0.0.0.0", "console.port", "8443",
                "console.token", "s3cret", "console.external-url", "https://pw.example.com/console/"));
        assertEquals("0.0.0.0", set.host());
        assertEquals(8443, set.port());
        assertEquals("s3cret", set.token());
        assertEquals("https://pw.example.com/console", set.externalUrl(), "trailing slash dropped for links");
        assertFalse(set.toString().contains("s3cret"), set.toString());
    }

    @Test
    void anExternalUrlMustBeAnHttpAddressAndLimitsArePositive() {
        for (String bad : new String[] {"javascript:alert(1)", "pw.example.com", "https://pw.example.com/a b"}) {
            SettingsException error = assertThrows(SettingsException.class,
                    () -> console(Map.of("console.external-url", bad)));
            assertTrue(error.getMessage().contains("console.external-url"), error.getMessage());
        }
        assertThrows(SettingsException.class, () -> console(Map.of("console.max-concurrent-requests", "0")));
        assertThrows(SettingsException.class, () -> console(Map.of("console.port", "70000")));
    }
}
