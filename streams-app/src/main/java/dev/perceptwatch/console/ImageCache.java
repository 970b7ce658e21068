package dev.perceptwatch.console;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Loaded examples, least recently used out first, within a budget of image bytes. Thread-safe. */
final class ImageCache {
    private final long maxBytes;
    private final LinkedHashMap<String, Example> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    ImageCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    synchronized Example get(String key) {
        return entries.get(key);
    }

    /** An example larger than the whole budget is not kept. */
    synchronized void put(String key, Example example) {
        if (example.bytes() > maxBytes) {
            return;
        }
        Example before = entries.put(key, example);
        bytes += example.bytes() - (before == null ? 0 : before.bytes());
        Iterator<Map.Entry<String, Example>> oldest = entries.entrySet().iterator();
        while (bytes > maxBytes && oldest.hasNext()) {
            bytes -= oldest.next().getValue().bytes();
            oldest.remove();
        }
    }
}
