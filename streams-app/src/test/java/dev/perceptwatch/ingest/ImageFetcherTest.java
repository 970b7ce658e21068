package dev.perceptwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFetcherTest {

    @TempDir
    Path root;
    @TempDir
    Path outside;

    private HttpServer server;
    private String base;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/small", exchange -> {
            byte[] body = {1, 2, 3};
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/big", exchange -> {
            byte[] body = new byte[2048];
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private ImageFetcher fetcher() {
        return new ImageFetcher(new UriPolicy(List.of(root), Set.of("127.0.0.1"), 1024, Duration.ofSeconds(5)));
    }

    private static RejectReason reasonOf(ImageFetcher fetcher, String uri) {
        return assertThrows(RejectedEventException.class, () -> fetcher.fetch(uri)).reason();
    }

    @Test
    void readsFilesUnderTheRoots() throws Exception {
        Path image = Files.write(root.resolve("a.png"), new byte[] {9, 8, 7});
        assertArrayEquals(new byte[] {9, 8, 7}, fetcher().fetch(image.toUri().toString()));
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
    }

    @Test
    void aMissingFileUnderTheRootsIsAFetchFailure() {
        assertEquals(RejectReason.FETCH_FAILED, reasonOf(fetcher(), root.resolve("none.png").toUri().toString()));
    }

    @Test
    void refusesHostsNotAllowedAndOtherSchemes() {
        ImageFetcher fetcher = fetcher();
        RejectedEventException metadata = assertThrows(RejectedEventException.class,
                () -> fetcher.fetch("http://169.254.169.254/latest/meta-data/"));
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
        assertArrayEquals(new byte[] {1, 2, 3}, fetcher.fetch(base + "/small"));
        assertEquals(RejectReason.IMAGE_TOO_LARGE, reasonOf(fetcher, base + "/big"));
        assertEquals(RejectReason.FETCH_FAILED, reasonOf(fetcher, base + "/missing"));
    }

    @Test
    void neverFollowsRedirects() {
        RejectedEventException e = assertThrows(RejectedEventException.class, () -> fetcher().fetch(base + "/redirect"));
        assertEquals(RejectReason.FETCH_FAILED, e.reason());
        assertTrue(e.getMessage().contains("302"), e.getMessage());
    }
}
