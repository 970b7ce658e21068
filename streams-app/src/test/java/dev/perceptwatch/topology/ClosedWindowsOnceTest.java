package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.perceptwatch.events.WindowStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The second emission of a closed window, as a task's new owner makes it after a move (stream time starts from
 * nothing there: see ClosedWindowsOnce; ChurnTest shows it end to end), is dropped; the next windows pass.
 */
class ClosedWindowsOnceTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private final MockProcessorContext<String, WindowStats> context = new MockProcessorContext<>();
    private KeyValueStore<String, byte[]> store;

    @BeforeEach
    void init() {
        store = StateStores.inMemoryBytes(WindowStage.CLOSED_STORE).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }

    @Test
    void passesEachWindowOfAKeyOnceAlsoAfterTheTaskMoved() {
        ClosedWindowsOnce before = new ClosedWindowsOnce(WindowStage.CLOSED_STORE);
        before.init(context);
        before.process(window("faces|v7", 0));
        before.process(window("faces|v8", 0));
        before.process(window("faces|v7", 1));
        // The new owner restores the store (here: the same one) and gets window 1 again, then window 2.
        ClosedWindowsOnce after = new ClosedWindowsOnce(WindowStage.CLOSED_STORE);
        after.init(context);
        after.process(window("faces|v7", 1));
        after.process(window("faces|v7", 0));
        after.process(window("faces|v8", 1));
        after.process(window("faces|v7", 2));
        List<Map.Entry<String, Instant>> passed = context.forwarded().stream()
                .map(forward -> Map.entry(forward.record().key(), forward.record().value().getWindowStart())).toList();
        assertEquals(List.of(Map.entry("faces|v7", start(0)), Map.entry("faces|v8", start(0)),
                Map.entry("faces|v7", start(1)), Map.entry("faces|v8", start(1)), Map.entry("faces|v7", start(2))),
                passed);
    }

    private static Instant start(int minute) {
        return T0.plusSeconds(60L * minute);
    }

    private static Record<String, WindowStats> window(String key, int minute) {
        WindowStats stats = WindowStats.newBuilder()
                .setModelId(key.substring(0, key.indexOf('|'))).setModelVersion(key.substring(key.indexOf('|') + 1))
                .setWindowStart(start(minute)).setWindowEnd(start(minute + 1))
                .setCount(1).setErrors(0).setMetrics(List.of()).setWorstEventIds(Map.of())
                .build();
        return new Record<>(key, stats, stats.getWindowEnd().toEpochMilli());
    }
}
