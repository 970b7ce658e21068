package dev.perceptwatch.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The service's HTTP endpoint: {@code /metrics} (Prometheus text format), {@code /health} (200 while the
 * process runs) and {@code /ready} (200 or 503 with what is not ready). The exporter's own HTTPServer
 * cannot take extra paths, so this is the JDK server with the exporter's {@link MetricsHandler}.
 */
public final class MetricsServer implements Closeable {

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds host:port (port 0 picks a free one) and starts serving. */
    public static MetricsServer start(ServiceMetrics metrics, String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/metrics", new MetricsHandler(metrics.registry()));
        server.createContext("/health", exchange -> respond(exchange, 200, "ok\n"));
        server.createContext("/ready", exchange -> {
            Readiness readiness = metrics.readiness();
            respond(exchange, readiness.isReady() ? 200 : 503, readiness.isReady() ? "ready\n"
                    : "not ready: " + String.join("; ", readiness.notReady()) + "\n");
        });
        // Two threads: a liveness or readiness probe is answered while one scrape is slow (two slow scrapes at
        // once can still hold it up).
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "perceptwatch-metrics-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new MetricsServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }
}
