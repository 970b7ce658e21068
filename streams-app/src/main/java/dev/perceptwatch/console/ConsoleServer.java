package dev.perceptwatch.console;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.perceptwatch.console.ConsoleIndex.Episode;
import dev.perceptwatch.console.Example.Location;
import dev.perceptwatch.console.Example.Picture;
import dev.perceptwatch.drift.DriftKey;
import dev.perceptwatch.events.WorstExample;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsoup.nodes.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP side, on the JDK's server: read-only (GET and HEAD), every response with
 * {@code X-Content-Type-Options: nosniff} and a Content-Security-Policy that allows only this origin's
 * images and style sheet. Requests that do work (Kafka reads, decoding, heatmaps) hold one of
 * {@code maxConcurrent} permits and are answered 503 when none is free; what is served from memory (the style
 * sheet, cached images) needs none. Nothing logged carries a token or image bytes.
 */
final class ConsoleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; style-src 'self';"
            + " form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    private static final int MAX_REQUEST_TARGET = 2048;
    private static final List<String> ROLES = List.of("generated", "reference", "heatmap");

    private final HttpServer server;
    private final ExecutorService http;
    private final ExecutorService loads;
    private final ConsoleIndex index;
    private final ExampleLoader loader;
    private final Pages pages;
    private final byte[] tokenBytes;
    private final Semaphore permits;
    private final int maxConcurrent;
    private final byte[] styleSheet;
    private final CpuBudget budget;

    ConsoleServer(String host, int port, String token, int maxConcurrent, String basePath, ConsoleIndex index,
                  ExampleLoader loader, CpuBudget budget) throws IOException {
        this.index = index;
        this.budget = budget;
        this.loader = loader;
        this.pages = new Pages(basePath);
        this.tokenBytes = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.maxConcurrent = maxConcurrent;
        this.permits = new Semaphore(maxConcurrent);
        try (InputStream css = ConsoleServer.class.getResourceAsStream("console.css")) {
            this.styleSheet = css.readAllBytes();
        }
        AtomicInteger threads = new AtomicInteger();
        // More threads than permits, so that a request over the limit is answered 503 at once instead of
        // waiting for a thread.
        this.http = Executors.newFixedThreadPool(maxConcurrent + 4, task -> daemon(task,
                "perceptwatch-console-http-" + threads.getAndIncrement()));
        AtomicInteger loaders = new AtomicInteger();
        this.loads = Executors.newFixedThreadPool(maxConcurrent, task -> daemon(task,
                "perceptwatch-console-load-" + loaders.getAndIncrement()));
        this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(http);
        server.start();
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private record Response(int status, String contentType, byte[] body, String cacheControl) {
        static Response page(int status, Document doc) {
            return new Response(status, "text/html; charset=utf-8", doc.outerHtml().getBytes(StandardCharsets.UTF_8),
                    "no-store");
        }
    }

    /** Every request's CPU is charged to the budget, so that a loop of warm (cached) pages is paced too. */
    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; CpuBudget.Spending spending = budget.spending()) {
            Response response = respond(exchange);
            Headers headers = exchange.getResponseHeaders();
            headers.set("Content-Type", response.contentType());
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("X-Frame-Options", "DENY");
            headers.set("Cache-Control", response.cacheControl());
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(response.status(), head || response.body().length == 0 ? -1
                    : response.body().length);
            if (!head && response.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // The client went away.
            LOG.debug("console response not sent: {}", e.getMessage());
        }
    }

    private Response respond(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            return text(405, "The console is read-only: " + method + " is not allowed.");
        }
        String contentLength = exchange.getRequestHeaders().getFirst("Content-Length");
        if ((contentLength != null && !contentLength.equals("0"))
                || exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
            return text(413, "The console takes no request body.");
        }
        String rawPath = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (rawPath.length() + (rawQuery == null ? 0 : rawQuery.length()) > MAX_REQUEST_TARGET) {
            return text(414, "The address is longer than " + MAX_REQUEST_TARGET + " characters.");
        }
        if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"perceptwatch console\"");
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"perceptwatch console\", charset=\"UTF-8\"");
            return text(401, "This console needs its token (console.token): send 'Authorization: Bearer TOKEN',"
                    + " or give it as the password when the browser asks.");
        }
        // The server parsed the target as a URI, so its escapes are valid and decode.
        List<String> segments = segments(rawPath);
        Map<String, String> query = query(rawQuery);
        if (segments.equals(List.of("console.css"))) {
            return new Response(200, "text/css; charset=utf-8", styleSheet, "max-age=3600");
        }
        try {
            budget.awaitCredit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.getResponseHeaders().set("Retry-After", "1");
            return text(503, "The console is shutting down; try again in a moment.");
        }
        Response cached = cachedImage(segments);
        if (cached != null) {
            return cached;
        }
        if (!permits.tryAcquire()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            return text(503, "The console is already serving " + maxConcurrent + " requests"
                    + " (console.max-concurrent-requests); try again in a moment.");
        }
        try {
            return route(segments, query);
        } catch (RuntimeException e) {
            LOG.warn("console: {} failed: {}", rawPath, e.toString());
            return Response.page(500, pages.problem(500, "This page failed: " + e.getMessage()));
        } finally {
            permits.release();
        }
    }

    /** Constant-time comparison with the token, given as a bearer token or as a Basic password. */
    private boolean authorized(String header) {
        if (tokenBytes == null) {
            return true;
        }
        if (header == null) {
            return false;
        }
        byte[] given = null;
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                given = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return given != null && MessageDigest.isEqual(given, tokenBytes);
    }

    private Response route(List<String> segments, Map<String, String> query) {
        if (segments.isEmpty()) {
            return Response.page(200, pages.overview(index));
        }
        String first = segments.get(0);
        List<String> rest = segments.subList(1, segments.size());
        return switch (first) {
            case "alerts" -> rest.isEmpty() ? Response.page(200, pages.overview(index)) : alert(String.join("/", rest));
            case "models" -> model(rest, query.get("segment"));
            case "events" -> event(rest, query.get("id"));
            case "images" -> image(rest);
            default -> notFound("There is no page at this address; the console's pages are the overview (/),"
                    + " /alerts/ID, /models/MODEL/VERSION[/METRIC] and /events/ID; it serves no files.");
        };
    }

    private Response alert(String alertId) {
        Optional<Episode> episode = index.episode(alertId);
        if (episode.isEmpty()) {
            return notFound("No alert with id '" + alertId + "' is known to this console"
                    + (index.caughtUp() ? "" : " yet (it is still reading the alert history)")
                    + ": it reads the alerts topic as far as its retention goes.");
        }
        List<WorstExample> worst = episode.get().shown().getWorstExamples();
        List<Example> examples = loadAll(worst == null ? List.of() : worst.stream().map(Location::of).toList());
        return Response.page(200, pages.alert(episode.get(), examples));
    }

    private Response model(List<String> rest, String segment) {
        if (rest.size() < 2 || rest.size() > 3) {
            return notFound("A model page is /models/MODEL/VERSION or /models/MODEL/VERSION/METRIC.");
        }
        DriftKey key = new DriftKey(rest.get(0), rest.get(1), segment);
        String metric = rest.size() == 3 ? rest.get(2) : null;
        if (!index.windows().containsKey(key) && index.episodes().stream()
                .noneMatch(e -> e.latest().getModelId().equals(key.modelId())
                        && e.latest().getModelVersion().equals(key.modelVersion()))) {
            return notFound("No window or alert of model '" + key.modelId() + "' version '" + key.modelVersion() + "'"
                    + (segment == null ? "" : " segment '" + segment + "'") + " is known to this console.");
        }
        return Response.page(200, pages.model(index, key, metric));
    }

    private Response event(List<String> rest, String id) {
        if (rest.isEmpty()) {
            return id == null || id.isBlank() ? notFound("Give an event id: /events/ID.") : eventById(id.trim());
        }
        if (rest.get(0).equals("at") && rest.size() == 4) {
            Optional<Location> at = position(rest.get(1), rest.get(2), rest.get(3));
            if (at.isEmpty()) {
                return notFound("An event's position is /events/at/TOPIC/PARTITION/OFFSET, with numbers from 0.");
            }
            Location location = at.get();
            Optional<ConsoleIndex.Found> found = index.exampleAt(location.topic(), location.partition(),
                    location.offset());
            Example example = loader.load(found.map(f -> Location.of(f.example())).orElse(location));
            if (example.event() == null && found.isEmpty()) {
                return Response.page(404, pages.problem(404, String.join(" ", example.problems())));
            }
            return Response.page(200, pages.event(example, found.orElse(null)));
        }
        return rest.size() == 1 ? eventById(rest.get(0)) : notFound("An event page is /events/ID or"
                + " /events/at/TOPIC/PARTITION/OFFSET.");
    }

    private Response eventById(String eventId) {
        Optional<ConsoleIndex.Found> found = index.example(eventId);
        if (found.isEmpty()) {
            return notFound("Event '" + eventId + "' is not among the worst examples of the windows and alerts this"
                    + " console keeps; open any event by its position: /events/at/TOPIC/PARTITION/OFFSET.");
        }
        return Response.page(200, pages.event(loader.load(Location.of(found.get().example())), found.get()));
    }

    private Response cachedImage(List<String> segments) {
        Optional<ImageRequest> request = imageRequest(segments);
        if (request.isEmpty()) {
            return null;
        }
        Example example = loader.cached(request.get().location());
        return example == null ? null : picture(example, request.get().role());
    }

    private Response image(List<String> rest) {
        Optional<ImageRequest> request = imageRequest(prepend("images", rest));
        if (request.isEmpty()) {
            return notFound("An image is /images/at/TOPIC/PARTITION/OFFSET/ROLE or /images/event/ID/ROLE, with ROLE"
                    + " one of " + ROLES + ".");
        }
        return picture(loader.load(request.get().location()), request.get().role());
    }

    private Response picture(Example example, String role) {
        Picture picture = example.picture(role);
        if (picture == null) {
            return text(404, "No " + role + " image: " + String.join(" ", example.problems()));
        }
        return new Response(200, picture.mediaType(), picture.bytes(), "private, max-age=3600");
    }

    private record ImageRequest(Location location, String role) {
    }

    private Optional<ImageRequest> imageRequest(List<String> segments) {
        if (segments.size() < 2 || !segments.get(0).equals("images")) {
            return Optional.empty();
        }
        String role = segments.get(segments.size() - 1);
        if (!ROLES.contains(role)) {
            return Optional.empty();
        }
        if (segments.get(1).equals("at") && segments.size() == 6) {
            return position(segments.get(2), segments.get(3), segments.get(4)).map(at -> new ImageRequest(
                    index.exampleAt(at.topic(), at.partition(), at.offset())
                            .map(found -> Location.of(found.example())).orElse(at), role));
        }
        if (segments.get(1).equals("event") && segments.size() == 4) {
            return index.example(segments.get(2)).map(found -> new ImageRequest(Location.of(found.example()), role));
        }
        return Optional.empty();
    }

    private List<Example> loadAll(List<Location> locations) {
        List<CompletableFuture<Example>> futures = new ArrayList<>();
        for (Location location : locations) {
            futures.add(CompletableFuture.supplyAsync(() -> loader.load(location), loads));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private static Optional<Location> position(String topic, String partition, String offset) {
        try {
            int p = Integer.parseInt(partition);
            long o = Long.parseLong(offset);
            return p < 0 || o < 0 ? Optional.empty() : Optional.of(Location.at(topic, p, o));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Response notFound(String sentence) {
        return Response.page(404, pages.problem(404, sentence));
    }

    private static Response text(int status, String sentence) {
        return new Response(status, "text/plain; charset=utf-8", (sentence + "\n").getBytes(StandardCharsets.UTF_8),
                "no-store");
    }

    /** The decoded path segments; empty ones (a trailing slash) dropped. */
    private static List<String> segments(String rawPath) {
        return Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty()).map(ConsoleLinks::decode).toList();
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** The decoded query parameters, the first of each name. */
    private static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    parameters.putIfAbsent(ConsoleLinks.decode(pair.substring(0, eq)),
                            ConsoleLinks.decode(pair.substring(eq + 1)));
                }
            }
        }
        return parameters;
    }

    @Override
    public void close() {
        server.stop(0);
        http.shutdownNow();
        loads.shutdownNow();
        loader.close();
    }
}
