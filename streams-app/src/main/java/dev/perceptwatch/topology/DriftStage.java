package dev.perceptwatch.topology;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import dev.perceptwatch.drift.DriftEngine;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.WindowStats;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/** Closed windows, repartitioned by model id, through the drift engine to perceptwatch.alerts. */
final class DriftStage {
    static final String DRIFT_STORE = "drift-state";

    private DriftStage() {
    }

    static void add(StreamsBuilder builder, KStream<String, WindowStats> closedWindows, Topics topics,
                    AvroSerdes serdes, Settings.Drift drift, DriftListener listener) {
        builder.addStateStore(StateStores.inMemoryBytes(DRIFT_STORE));
        DriftEngine engine = new DriftEngine(drift.detection());
        closedWindows
                .selectKey((key, window) -> window.getModelId())
                .repartition(Repartitioned.with(Serdes.String(), serdes.valueSerde(WindowStats.class))
                        .withName("windows-by-model"))
                .process(() -> new DriftProcessor(DRIFT_STORE, engine, drift, listener), DRIFT_STORE)
                .to(topics.alerts(), Produced.with(Serdes.String(), serdes.valueSerde(DriftAlert.class)));
    }
}
