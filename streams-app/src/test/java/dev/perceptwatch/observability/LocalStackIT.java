package dev.perceptwatch.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perceptwatch.testing.RepoFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command, headless and bounded, with the demo's story compressed (10 s windows, a
 * baseline of 6 windows, degradation at 80 s, recovery at 250 s: the drift rule needs 2 minutes of drift). While it runs, its real Prometheus scrapes
 * the service: every dashboard panel query must return data, every alert rule must parse, and the quality
 * drift rule must fire for the degraded model. At the end: events were scored, the drift alert fired and
 * resolved on perceptwatch.alerts, and no process or port of the run is left. (The control model is not
 * required to stay silent: with 10 s windows of about 100 events and a 6-window baseline its p90 is noisy;
 * false alarms are measured with production-like settings by drift-eval, docs/DETECTION.md.) Runs after {@code package},
 * because the run command starts the packaged jar.
 */
class LocalStackIT {
    private static final Pattern SCORED = Pattern.compile("scored (\\d+)");
    private static final Map<String, String> DEMO_VALUES = Map.of("model", "sdxl-faces", "version", "v1",
            "k", "3", "__rate_interval", "1m", "__interval", "15s");

    @TempDir
    Path state;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void runsTheWholeStoryUnderPrometheusAndStopsEverything() throws Exception {
        PrometheusProcess.requireInstalled();
        int metrics = PrometheusProcess.freePort();
        int console = PrometheusProcess.freePort();
        int prometheus = PrometheusProcess.freePort();
        int alertmanager = PrometheusProcess.freePort();
        Path output = state.resolve("run-local.out");
        Process run = new ProcessBuilder(RepoFiles.resolve("ops/run-local.sh").toString(),
                "--state", state.toString(), "--duration", "340", "--window", "10s", "--warmup-windows", "6",
                "--degrade-after", "80s", "--recover-after", "250s", "--metrics-port", Integer.toString(metrics),
                "--console-port", Integer.toString(console),
                "--prometheus-port", Integer.toString(prometheus),
                "--alertmanager-port", Integer.toString(alertmanager))
                .directory(RepoFiles.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        Map<String, String> panelsWithoutData = new LinkedHashMap<>();
        MonitoringFiles.panelQueries(MonitoringFiles.dashboard())
                .forEach(q -> panelsWithoutData.put(q.origin(), MonitoringFiles.substitute(q.expr(), DEMO_VALUES)));
        Map<String, String> rulesNotParsed = new LinkedHashMap<>();
        MonitoringFiles.ruleQueries(MonitoringFiles.alertRules()).forEach(q -> rulesNotParsed.put(q.origin(), q.expr()));
        boolean driftFiredInPrometheus = false;
        // Read while the stack is up: stopping the registry removes its url file.
        int kafkaPort = -1;
        int registryPort = -1;
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(9);
            while (run.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10_000);
                String base = "http://127.0.0.1:" + prometheus;
                panelsWithoutData.values().removeIf(expr -> resultCount(base, expr) > 0);
                rulesNotParsed.values().removeIf(expr -> resultCount(base, expr) >= 0);
                driftFiredInPrometheus |= driftFiring(base);
                kafkaPort = kafkaPort > 0 ? kafkaPort : portOf(state.resolve("kafka/bootstrap"));
                registryPort = registryPort > 0 ? registryPort : portOf(state.resolve("registry/url"));
            }
            assertFalse(run.isAlive(), "run-local.sh did not stop in time");
        } finally {
            run.destroyForcibly();
        }
        String printed = Files.readString(output);
        assertEquals(0, run.exitValue(), printed);
        assertEquals(Map.of(), panelsWithoutData, "dashboard queries that never returned data");
        assertEquals(Map.of(), rulesNotParsed, "alert rules Prometheus did not accept");
        assertTrue(driftFiredInPrometheus, "PerceptWatchQualityDrift never fired for sdxl-faces\n" + printed);

        String alerts = Files.readString(state.resolve("local/alerts.log"));
        assertTrue(lastScored(printed) > 500, "events were scored:\n" + printed);
        assertTrue(alerts.lines().anyMatch(line -> line.contains("FIRING") && line.contains("sdxl-faces")),
                "a drift alert fired:\n" + alerts);
        assertTrue(alerts.lines().anyMatch(line -> line.contains("RESOLVED") && line.contains("sdxl-faces")),
                "the drift alert resolved:\n" + alerts);

        List<String> stray = new ArrayList<>();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(line -> line.contains(state.toString())).orElse(false))
                .forEach(p -> stray.add(p.pid() + " " + p.info().commandLine().orElse("")));
        assertEquals(List.of(), stray, "processes left running");
        assertTrue(kafkaPort > 0 && registryPort > 0, "the broker and registry ports were seen");
        assertTrue(printed.contains("console http://127.0.0.1:" + console + "/"), printed);
        assertTrue(alerts.lines().anyMatch(line -> line.contains("FIRING")
                && line.contains(" console=http://127.0.0.1:" + console + "/alerts/sdxl-faces/")), alerts);
        for (int port : List.of(metrics, console, prometheus, alertmanager, kafkaPort, registryPort)) {
            assertTrue(isFree(port), "port " + port + " is still bound");
        }
    }

    /** Number of series the instant query returns; -1 when Prometheus refuses it or is not reachable. */
    private int resultCount(String base, String expr) {
        JsonNode answer = get(base + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        return answer != null && "success".equals(answer.path("status").asText())
                ? answer.path("data").path("result").size() : -1;
    }

    private boolean driftFiring(String base) {
        JsonNode answer = get(base + "/api/v1/alerts");
        if (answer == null) {
            return false;
        }
        for (JsonNode alert : answer.path("data").path("alerts")) {
            if (alert.path("labels").path("alertname").asText().equals("PerceptWatchQualityDrift")
                    && alert.path("labels").path("model_id").asText().equals("sdxl-faces")
                    && alert.path("state").asText().equals("firing")) {
                return true;
            }
        }
        return false;
    }

    private JsonNode get(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return json.readTree(response.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static long lastScored(String printed) {
        Matcher matcher = SCORED.matcher(printed);
        long last = 0;
        while (matcher.find()) {
            last = Long.parseLong(matcher.group(1));
        }
        return last;
    }

    /** The port in a bootstrap (host:port) or URL file; -1 while the file is not written yet. */
    private static int portOf(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return -1;
        }
        String text = Files.readString(file).strip();
        if (text.isEmpty()) {
            return -1;
        }
        return text.startsWith("http") ? URI.create(text).getPort()
                : Integer.parseInt(text.substring(text.lastIndexOf(':') + 1));
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
