package dev.perceptwatch.console;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The console's stable addresses: ids are in the path, each path segment percent-encoded, so that a link in
 * an alert, a rule annotation or a chat message opens the same page after any restart. An alert id's slashes
 * ({@code model/version/metric/window-start}) stay path separators, as a proxy would not always pass an
 * encoded one through.
 */
public final class ConsoleLinks {
    private ConsoleLinks() {
    }

    public static String alert(String base, String alertId) {
        return base + "/alerts/" + encodePath(alertId);
    }

    /** The page of one model version, and of one metric when {@code metric} is not null. */
    public static String model(String base, String modelId, String modelVersion, String metric) {
        return base + "/models/" + encode(modelId) + "/" + encode(modelVersion) + (metric == null ? "" : "/" + encode(metric));
    }

    public static String event(String base, String eventId) {
        return base + "/events/" + encode(eventId);
    }

    public static String eventAt(String base, String topic, int partition, long offset) {
        return base + "/events/at/" + encode(topic) + "/" + partition + "/" + offset;
    }

    /** One path segment: everything but unreserved characters percent-encoded (a space as %20, not +). */
    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A value whose slashes separate segments. */
    static String encodePath(String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split("/", -1)) {
            parts.add(encode(part));
        }
        return String.join("/", parts);
    }

    /**
     * The inverse of {@link #encode}, and of the query encoding Prometheus' {@code urlquery} and Grafana use in
     * their links (a space as +): {@link #encode} writes a + as %2B, so a bare + is always a space.
     */
    static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }
}
