package dev.perceptwatch.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Which image URIs the service may read. Closed by default: no file roots and no hosts means every uri is
 * forbidden, so a producer can never make the service read its own files or reach internal endpoints.
 *
 * @param fileRoots directories under which {@code file://} URIs may point (after resolving symbolic links)
 * @param httpHosts host names that {@code http(s)://} URIs may name exactly (no wildcard, no redirects)
 * @param maxBytes  the most bytes read from one uri
 * @param timeout   the whole of one http(s) fetch, from connecting to the last byte of the body; a fetch that takes
 *                  longer is abandoned (connection closed) and rejected as {@code FETCH_FAILED}. File reads
 *                  are not bounded by it.
 */
public record UriPolicy(List<Path> fileRoots, Set<String> httpHosts, long maxBytes, Duration timeout) {
    public UriPolicy {
        fileRoots = List.copyOf(fileRoots);
        httpHosts = Set.copyOf(httpHosts);
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }
}
