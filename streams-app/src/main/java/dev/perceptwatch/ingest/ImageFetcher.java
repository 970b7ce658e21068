package dev.perceptwatch.ingest;

import dev.perceptwatch.contract.RejectReason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** Reads image bytes behind a uri, within a {@link UriPolicy}. Thread-safe. */
public final class ImageFetcher {
    private final UriPolicy policy;
    private final List<Path> realRoots;
    private final HttpClient http;

    public ImageFetcher(UriPolicy policy) {
        this.policy = policy;
        this.realRoots = policy.fileRoots().stream().map(ImageFetcher::realPathOrSelf).toList();
        // Redirects are never followed: a redirect could lead outside the allowed hosts.
        this.http = HttpClient.newBuilder()
                .connectTimeout(policy.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * The bytes behind the uri. An http(s) fetch runs on the HTTP client's threads, so the caller (a stream
     * thread) goes on with other events meanwhile; a file is read at once. A refused or failed fetch fails the
     * future with a {@link RejectedEventException} naming the uri and the reason.
     */
    public CompletableFuture<byte[]> fetch(String uriText) {
        try {
            URI uri;
            try {
                uri = new URI(uriText);
            } catch (URISyntaxException e) {
                throw new RejectedEventException(RejectReason.URI_FORBIDDEN, "'" + uriText + "' is not a valid uri");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return switch (scheme) {
                case "file" -> CompletableFuture.completedFuture(readFile(uri));
                case "http", "https" -> readHttp(uri);
                default -> throw new RejectedEventException(RejectReason.URI_FORBIDDEN,
                        uriText + ": scheme '" + scheme + "' is not allowed (file and http(s) only)");
            };
        } catch (RejectedEventException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private byte[] readFile(URI uri) throws RejectedEventException {
        if (uri.isOpaque() || uri.getPath() == null || uri.getPath().isEmpty()) {
            // file:foo names no absolute path: there is nothing under a root it could point at.
            throw forbiddenFile(uri);
        }
        Path path;
        try {
            path = Path.of(uri).toRealPath();
        } catch (IOException | RuntimeException e) {
            // Checked against the roots first, so a missing file outside them does not reveal that it is missing.
            Path lexical = Path.of(uri.getPath()).normalize();
            if (realRoots.stream().noneMatch(lexical::startsWith)) {
                throw forbiddenFile(uri);
            }
            throw new RejectedEventException(RejectReason.FETCH_FAILED, uri + ": cannot read (" + e.getMessage() + ")");
        }
        if (realRoots.stream().noneMatch(path::startsWith)) {
            throw forbiddenFile(uri);
        }
        try (InputStream in = Files.newInputStream(path)) {
            return readLimited(in, uri);
        } catch (IOException e) {
            throw new RejectedEventException(RejectReason.FETCH_FAILED, uri + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private RejectedEventException forbiddenFile(URI uri) {
        return new RejectedEventException(RejectReason.URI_FORBIDDEN,
                uri + " is outside the allowed file roots " + policy.fileRoots());
    }

    private CompletableFuture<byte[]> readHttp(URI uri) throws RejectedEventException {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!policy.httpHosts().contains(host)) {
            throw new RejectedEventException(RejectReason.URI_FORBIDDEN,
                    uri + ": host '" + host + "' is not in the allowed hosts " + policy.httpHosts());
        }
        HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
        // A byte array holds no more than this, so a larger policy limit cannot be reached anyway.
        long limit = Math.min(policy.maxBytes(), Integer.MAX_VALUE - 8);
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request, LimitedBody.handler(limit));
        // One deadline for connect, headers and body: a request timeout bounds only the wait for the headers, and
        // a server dripping the body would hold the event, and its task's transaction, open. Cancelling closes
        // the connection; cancelling a completed fetch does nothing.
        CompletableFuture.delayedExecutor(policy.timeout().toNanos(), TimeUnit.NANOSECONDS)
                .execute(() -> pending.cancel(true));
        return pending.handle((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                String why = cause instanceof CancellationException
                        ? "no complete response within the " + policy.timeout().toMillis() + " ms timeout"
                        : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
                throw new CompletionException(new RejectedEventException(RejectReason.FETCH_FAILED, uri + ": " + why,
                        cause));
            }
            if (response.statusCode() != 200) {
                throw new CompletionException(new RejectedEventException(RejectReason.FETCH_FAILED,
                        uri + ": HTTP status " + response.statusCode()));
            }
            if (response.body() == null) {
                throw new CompletionException(tooLarge(uri));
            }
            return response.body();
        });
    }

    private byte[] readLimited(InputStream in, URI uri) throws IOException, RejectedEventException {
        byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, policy.maxBytes() + 1));
        if (data.length > policy.maxBytes()) {
            throw tooLarge(uri);
        }
        return data;
    }

    private RejectedEventException tooLarge(URI uri) {
        return new RejectedEventException(RejectReason.IMAGE_TOO_LARGE,
                uri + ": more than " + policy.maxBytes() + " bytes");
    }

    private static Path realPathOrSelf(Path root) {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            return root.toAbsolutePath().normalize();
        }
    }
}
