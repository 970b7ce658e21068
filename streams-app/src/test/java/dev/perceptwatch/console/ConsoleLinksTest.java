package dev.perceptwatch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConsoleLinksTest {

    @Test
    void segmentsRoundTripAndAlertIdsKeepTheirSlashesAsSeparators() {
        String awkward = "faces v2+/é?#%";
        assertEquals("faces%20v2%2B%2F%C3%A9%3F%23%25", ConsoleLinks.encode(awkward));
        assertEquals(awkward, ConsoleLinks.decode(ConsoleLinks.encode(awkward)));
        assertEquals("https://c.example/alerts/faces/v%207/lpips/1700000000000",
                ConsoleLinks.alert("https://c.example", "faces/v 7/lpips/1700000000000"));
    }

    @Test
    void readsTheQueryEncodingOfPrometheusAndGrafanaLinks() {
        // Prometheus' urlquery (Go's url.QueryEscape) writes a space as + and a + as %2B.
        assertEquals("sdxl turbo+", ConsoleLinks.decode("sdxl+turbo%2B"));
    }
}
