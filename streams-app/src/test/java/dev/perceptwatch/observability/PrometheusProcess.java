package dev.perceptwatch.observability;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's /usr/bin/prometheus) on a free loopback port, for one test class; public
 * for the tests of other packages that scrape real services (topology's ChurnTest).
 */
public final class PrometheusProcess implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final Process process;
    private final Path log;
    private final String baseUrl;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private PrometheusProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /**
     * Skips the calling test when Prometheus is not installed on a developer machine; fails in CI, where
     * ops/test.sh installs it, so a missing binary can never pass silently there.
     */
    public static void requireInstalled() {
        if (!Files.isExecutable(BINARY) && System.getenv("CI") != null) {
            fail(BINARY + " is missing in CI; ops/check-monitoring.sh installs Debian's prometheus package");
        }
        assumeTrue(Files.isExecutable(BINARY), BINARY + " not installed (apt-get install prometheus)");
    }

    /**
     * A configuration that scrapes and evaluates every second, so that a test waits seconds for a rule, with one
     * rules file and one job, {@code perceptwatch}, whose targets {@code targets} names: a YAML block
     * ({@code static_configs:} or {@code file_sd_configs:} and what follows) as it stands under the job.
     */
    public static String config(Path rules, String targets) {
        return """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: perceptwatch
                """.formatted(rules) + targets.indent(4);
    }

    public static PrometheusProcess start(Path workDir, String config) throws IOException, InterruptedException {
        Path configFile = Files.writeString(workDir.resolve("prometheus.yml"), config);
        Path log = workDir.resolve("prometheus.log");
        int port = freePort();
        Process process = new ProcessBuilder(BINARY.toString(),
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusProcess prometheus = new PrometheusProcess(process, log, port);
        prometheus.awaitReady(Duration.ofSeconds(30));
        return prometheus;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The parsed JSON answer of an API path (status checked by the caller: errors are answers too). */
    public JsonNode api(String path, String... queryParams) throws IOException, InterruptedException {
        StringBuilder url = new StringBuilder(baseUrl).append(path);
        for (int i = 0; i < queryParams.length; i += 2) {
            url.append(i == 0 ? '?' : '&').append(queryParams[i]).append('=')
                    .append(URLEncoder.encode(queryParams[i + 1], StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    public JsonNode query(String promql) throws IOException, InterruptedException {
        return api("/api/v1/query", "query", promql);
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling until the deadline
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException("prometheus not ready after " + timeout + ":\n" + log());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
