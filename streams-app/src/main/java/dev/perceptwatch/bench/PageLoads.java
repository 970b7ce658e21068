package dev.perceptwatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jsoup.Jsoup;

/**
 * Loads console pages as a browser does, without being one: the page, then every image it names, over
 * {@value #CONNECTIONS} connections at once (a browser's limit per host over HTTP/1.1), timed until the last
 * image's last byte. No layout and no decoding: a browser's own time is not in the figure.
 */
final class PageLoads implements AutoCloseable {
    static final int CONNECTIONS = 6;
    /** The loader's own threads' names start with this (the bench tells its CPU from the console's). */
    static final String THREAD_PREFIX = "bench-console-";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    record Load(long nanos, int images, int failedImages) {
    }

    record Summary(long p50Millis, long maxMillis, int images, int failedImages) {
    }

    private final String base;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    private final ExecutorService connections = Executors.newFixedThreadPool(CONNECTIONS, task -> {
        Thread thread = new Thread(task, THREAD_PREFIX + "connection");
        thread.setDaemon(true);
        return thread;
    });

    /** @param token the console's token, or null */
    PageLoads(String consoleUrl, String token) {
        this.base = consoleUrl.replaceAll("/+$", "");
        this.authorization = token == null ? null : "Bearer " + token;
    }

    private HttpResponse<byte[]> get(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + base + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted loading " + base + path, e);
        }
    }

    /** Waits until the console knows the page (it reads the alerts topic on its own). */
    void awaitKnown(String path) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (int status = get(path).statusCode(); status != 200; status = get(path).statusCode()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the console answers " + status + " for " + path + " after "
                        + TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    /** The page and all its images; fails when the page itself is not served. */
    Load load(String path) throws InterruptedException, ExecutionException {
        long start = System.nanoTime();
        HttpResponse<byte[]> page = get(path);
        if (page.statusCode() != 200) {
            throw new IllegalStateException("the console answers " + page.statusCode() + " for " + path + ": "
                    + new String(page.body(), StandardCharsets.UTF_8));
        }
        List<Future<Integer>> images = new ArrayList<>();
        for (var img : Jsoup.parse(new String(page.body(), StandardCharsets.UTF_8)).select("img[src]")) {
            String src = img.attr("src");
            images.add(connections.submit(() -> get(src).statusCode()));
        }
        int failed = 0;
        for (Future<Integer> image : images) {
            failed += image.get() == 200 ? 0 : 1;
        }
        return new Load(System.nanoTime() - start, images.size(), failed);
    }

    /** Loads the pages in turn until {@code stop}, pausing between two loads; returns every load. */
    List<Load> loop(List<String> paths, long pauseMillis, AtomicBoolean stop) {
        List<Load> loads = new ArrayList<>();
        try {
            for (int i = 0; !stop.get(); i++) {
                loads.add(load(paths.get(i % paths.size())));
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a page load failed", e.getCause());
        }
        return loads;
    }

    static Summary summarize(List<Load> loads) {
        if (loads.isEmpty()) {
            return new Summary(0, 0, 0, 0);
        }
        long[] millis = loads.stream().mapToLong(l -> l.nanos() / 1_000_000).sorted().toArray();
        return new Summary(millis[(millis.length - 1) / 2], millis[millis.length - 1], loads.get(0).images(),
                loads.stream().mapToInt(Load::failedImages).sum());
    }

    @Override
    public void close() {
        connections.shutdownNow();
    }
}
