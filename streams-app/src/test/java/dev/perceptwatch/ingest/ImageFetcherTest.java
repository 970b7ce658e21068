package dev.perceptwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.contract.RejectReason;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ImageFetcherTest {
    private static final long WAIT_S = 30;


    @TempDir
    Path root;
    @TempDir
    Path outside;

    private HttpServer server;
    private String base;

    private ExecutorService handlers;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serve("/small", new byte[] {1, 2, 3}, false);
        serve("/small-chunked", new byte[] {1, 2, 3}, true);
        serve("/big", new byte[2048], false);
        serve("/big-chunked", new byte[2048], true);
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        // Headers at once, then a 30-byte body one byte every 100 ms: each read makes progress, the whole does not.
        server.createContext("/drip", exchange -> {
            exchange.sendResponseHeaders(200, 30);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 30; i++) {
                    out.write(i);
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // The client hung up, or the test is over.
            }
        });
        // Its own threads, so that a dripping handler neither delays other requests nor the server's stop.
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void serve(String path, byte[] body, boolean chunked) {
        server.createContext(path, exchange -> {
            exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        handlers.shutdownNow();
    }

    private ImageFetcher fetcher() {
        return new ImageFetcher(new UriPolicy(List.of(root), Set.of("127.0.0.1"), 1024, Duration.ofSeconds(5)));
    }

    private static RejectReason reasonOf(ImageFetcher fetcher, String uri) {
        return assertThrows(RejectedEventException.class, () -> fetchNow(fetcher, uri)).reason();
    }

    /** The fetch's bytes, or its RejectedEventException as thrown. */
    private static byte[] fetchNow(ImageFetcher fetcher, String uri) throws Exception {
        try {
            return fetcher.fetch(uri).get(WAIT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RejectedEventException rejected) {
                throw rejected;
            }
            throw e;
        }
    }

    @Test
    void readsFilesUnderTheRoots() throws Exception {
        Path image = Files.write(root.resolve("a.png"), new byte[] {9, 8, 7});
        assertArrayEquals(new byte[] {9, 8, 7}, fetchNow(fetcher(), image.toUri().toString()));
    }

    @Test
    void refusesFilesOutsideTheRootsIncludingThroughSymlinksAndDotDot() throws Exception {
        Path secret = Files.write(outside.resolve("secret.png"), new byte[] {1});
        Path link = Files.createSymbolicLink(root.resolve("link.png"), secret);
        ImageFetcher fetcher = fetcher();
        assertEquals(RejectReason.URI_FORBIDDEN, reasonOf(fetcher, "file:///etc/passwd"));
        assertEquals(RejectReason.URI_FORBIDDEN, reasonOf(fetcher, secret.toUri().toString()));
        assertEquals(RejectReason.URI_FORBIDDEN, reasonOf(fetcher, link.toUri().toString()));
        assertEquals(RejectReason.URI_FORBIDDEN,
                reasonOf(fetcher, "file://" + root + "/../" + outside.getFileName() + "/secret.png"));
        // Opaque or path-less file uris name nothing under a root (file:foo threw a NullPointerException).
        assertEquals(RejectReason.URI_FORBIDDEN, reasonOf(fetcher, "file:secret.png"));
        assertEquals(RejectReason.URI_FORBIDDEN, reasonOf(fetcher, "file://host"));
    }

    @Test
    void aMissingFileUnderTheRootsIsAFetchFailure() {
        assertEquals(RejectReason.FETCH_FAILED, reasonOf(fetcher(), root.resolve("none.png").toUri().toString()));
    }

    @Test
    void refusesHostsNotAllowedAndOtherSchemes() {
        ImageFetcher fetcher = fetcher();
        RejectedEventException metadata = assertThrows(RejectedEventException.class,
                () -> fetchNow(fetcher, "http://169.254.169.254/latest/meta-data/"));
        assertEquals(RejectReason.URI_FORBIDDEN, metadata.reason());
        assertTrue(metadata.getMessage().contains("169.254.169.254"), metadata.getMessage());
        assertEquals(RejectReason.URI_FORBIDDEN, reasonOf(fetcher, "http://localhost:" + server.getAddress().getPort() + "/small"));
        assertEquals(RejectReason.URI_FORBIDDEN, reasonOf(fetcher, "ftp://127.0.0.1/a.png"));
        assertEquals(RejectReason.URI_FORBIDDEN, reasonOf(fetcher, "jar:file:/x.jar!/a.png"));
        assertEquals(RejectReason.URI_FORBIDDEN, reasonOf(fetcher, "not a uri"));
    }

    @Test
    void fetchesFromAllowedHostsWithinTheSizeLimit() throws Exception {
        ImageFetcher fetcher = fetcher();
        assertArrayEquals(new byte[] {1, 2, 3}, fetchNow(fetcher, base + "/small"));
        assertArrayEquals(new byte[] {1, 2, 3}, fetchNow(fetcher, base + "/small-chunked"));
        assertEquals(RejectReason.IMAGE_TOO_LARGE, reasonOf(fetcher, base + "/big"));
        assertEquals(RejectReason.IMAGE_TOO_LARGE, reasonOf(fetcher, base + "/big-chunked"));
        assertEquals(RejectReason.FETCH_FAILED, reasonOf(fetcher, base + "/missing"));
    }

    @Test
    @Timeout(30) // a hang guard only: before the fix the body read had no deadline at all
    void theTimeoutBoundsTheWholeFetchBodyIncluded() {
        ImageFetcher fetcher = new ImageFetcher(
                new UriPolicy(List.of(root), Set.of("127.0.0.1"), 1024, Duration.ofMillis(300)));
        RejectedEventException e = assertThrows(RejectedEventException.class, () -> fetchNow(fetcher, base + "/drip"));
        assertEquals(RejectReason.FETCH_FAILED, e.reason());
        assertTrue(e.getMessage().contains(base + "/drip"), e.getMessage());
        assertTrue(e.getMessage().contains("300 ms"), e.getMessage());
    }

    @Test
    void neverFollowsRedirects() {
        RejectedEventException e = assertThrows(RejectedEventException.class,
                () -> fetchNow(fetcher(), base + "/redirect"));
        assertEquals(RejectReason.FETCH_FAILED, e.reason());
        assertTrue(e.getMessage().contains("302"), e.getMessage());
    }
}
