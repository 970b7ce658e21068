package dev.perceptwatch.topology;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.drift.AlertDecision;
import dev.perceptwatch.drift.ClosedWindow;
import dev.perceptwatch.drift.DriftEngine;
import dev.perceptwatch.drift.DriftKey;
import dev.perceptwatch.drift.DriftState;
import dev.perceptwatch.drift.DriftStep;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.events.WorstExample;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Judges each closed window against its key's baseline and publishes alert state changes. Windows arrive
 * keyed by model id, so every version of a model is on this task and a version pinned to another finds
 * that version's baseline in the same store.
 */
final class DriftProcessor implements Processor<String, WindowStats, String, DriftAlert> {
    private final String storeName;
    private final DriftEngine engine;
    private final Settings.Drift drift;
    private final DriftListener listener;
    private ProcessorContext<String, DriftAlert> context;
    private KeyValueStore<String, byte[]> states;
    private final Set<DriftKey> reported = new HashSet<>();

    DriftProcessor(String storeName, DriftEngine engine, Settings.Drift drift, DriftListener listener) {
        this.storeName = storeName;
        this.engine = engine;
        this.drift = drift;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, DriftAlert> context) {
        this.context = context;
        this.states = context.getStateStore(storeName);
        Duration idleCheck = drift.idleAfter().dividedBy(4);
        context.schedule(idleCheck.isZero() ? Duration.ofMillis(1) : idleCheck, PunctuationType.STREAM_TIME,
                this::closeIdleKeys);
        Map<DriftKey, DriftState> restored = new LinkedHashMap<>();
        try (KeyValueIterator<String, byte[]> all = states.all()) {
            all.forEachRemaining(entry -> restored.put(keyOf(entry.key), DriftState.fromBytes(entry.value)));
        }
        // Keys already idle (retired versions) are not exported again: they would fill the model series cap.
        engine.notIdle(restored, drift.idleAfter()).forEach((key, state) -> {
            reported.add(key);
            listener.onRestored(key, state);
        });
    }

    /**
     * Resolves the open alerts of keys that have had no window for {@code drift.idle-after} of stream time, and
     * retires their series: no window would ever end such an alert. Stream time is the newest window
     * end this task has seen, so a replay of old windows does not count as quiet.
     */
    private void closeIdleKeys(long streamTime) {
        Map<DriftKey, DriftState> idle = new LinkedHashMap<>();
        try (KeyValueIterator<String, byte[]> all = states.all()) {
            all.forEachRemaining(entry -> {
                DriftState state = DriftState.fromBytes(entry.value);
                if (engine.idle(state, streamTime, drift.idleAfter())) {
                    idle.put(keyOf(entry.key), state);
                }
            });
        }
        idle.forEach((key, state) -> {
            DriftStep step = engine.resolveIdle(key, state, streamTime, drift.idleAfter());
            if (!step.alerts().isEmpty()) {
                states.put(storeKey(key), step.state().toBytes());
                publish(key, step.alerts(), streamTime, null);
            }
            // Also after a RESOLVED just published, whose gauges the listener set.
            if (reported.remove(key) || !step.alerts().isEmpty()) {
                listener.onRetired(List.of(key));
            }
        });
    }

    @Override
    public void close() {
        listener.onClosed(Set.copyOf(reported));
        reported.clear();
    }

    @Override
    public void process(Record<String, WindowStats> record) {
        WindowStats stats = record.value();
        DriftKey key = DriftKey.of(stats);
        ClosedWindow window = ClosedWindow.of(stats);
        DriftStep rebaselined = engine.rebaselineIfDue(key, window, load(key),
                drift.rebaselineFor(key.modelId(), key.modelVersion()));
        DriftState state = rebaselined.state();
        String pinned = drift.pinFor(key.modelId(), key.modelVersion());
        if (pinned != null) {
            state = state.pinnedTo(load(new DriftKey(key.modelId(), pinned, key.segment())), pinned);
        }
        DriftStep step = engine.onWindowClosed(key, window, state);
        states.put(storeKey(key), step.state().toBytes());
        reported.add(key);
        listener.onWindow(stats, step.state());
        publish(key, Stream.concat(rebaselined.alerts().stream(), step.alerts().stream()).toList(),
                stats.getWindowEnd().toEpochMilli(), stats.getWorstExamples());
    }

    /** @param worstExamples per metric, the worst examples of the window judged; null when no window was */
    private void publish(DriftKey key, List<AlertDecision> decisions, long timestamp,
                         Map<String, List<WorstExample>> worstExamples) {
        for (AlertDecision decision : decisions) {
            DriftAlert alert = decision.toAvro();
            if (worstExamples != null) {
                alert.setWorstExamples(worstExamples.get(alert.getMetric()));
            }
            context.forward(new Record<>(storeKey(key), alert, timestamp));
            listener.onAlert(alert);
        }
    }

    private DriftState load(DriftKey key) {
        byte[] bytes = states.get(storeKey(key));
        return bytes == null ? DriftState.EMPTY : DriftState.fromBytes(bytes);
    }

    private static String storeKey(DriftKey key) {
        return ModelKey.of(key.modelId(), key.modelVersion(), key.segment());
    }

    private static DriftKey keyOf(String storeKey) {
        ModelKey.Parts parts = ModelKey.parse(storeKey);
        return new DriftKey(parts.modelId(), parts.modelVersion(), parts.segment());
    }
}
