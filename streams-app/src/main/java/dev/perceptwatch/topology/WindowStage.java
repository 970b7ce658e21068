package dev.perceptwatch.topology;

import dev.perceptwatch.aggregation.WindowAccumulator;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.WindowStats;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;

/**
 * Scores and dead letters of each model and version (and segment) in tumbling event-time windows, emitted
 * once when a window closes (its end plus the grace has passed in stream time) to perceptwatch.window-stats,
 * also when its task has moved to another instance in between ({@link ClosedWindowsOnce}).
 *
 * <p>The windows read the scoring stage's results themselves, through one repartition topic
 * ({@value #INPUT_TOPIC}) that carries a key's scores and errors together, not the scores and dead-letter topics:
 * a window task fed by two topics takes whichever has records first, and after a SIGKILL the one the dead
 * instance's open transaction blocks (read_committed readers wait until it times out) falls behind the other.
 * Its records then came after the stream time had passed their windows: ChurnTest saw windows closed short, or
 * never published (the late window came after a newer one), when dead letters ran ahead of blocked scores. In
 * one topic a key's inputs are in the order their scoring tasks published them; a blocked partition holds
 * them all back together. It also keeps anything written to the public topics by anyone else out of the windows.
 */
final class WindowStage {
    static final String WINDOW_STORE = "window-aggregates";
    static final String CLOSED_STORE = "window-last-closed";
    /** The repartition topic's name, after the application id. */
    static final String INPUT_TOPIC = "window-input";

    private WindowStage() {
    }

    static KStream<String, WindowStats> add(StreamsBuilder builder, KStream<String, SpecificRecord> results,
                                             Topics topics, AvroSerdes serdes, Settings.Windows windows) {
        Serde<WindowStats> statsSerde = serdes.valueSerde(WindowStats.class);
        Serde<WindowInput> inputSerde = WindowInput.serde(serdes.valueSerde(QualityScore.class));
        KGroupedStream<String, WindowInput> inputs = results
                .process(() -> new WindowInputs(windows.segmentAttribute(), windows.maxFutureSkew()))
                .repartition(Repartitioned.with(Serdes.String(), inputSerde).withName(INPUT_TOPIC))
                .groupByKey(Grouped.with(Serdes.String(), inputSerde));
        builder.addStateStore(StateStores.inMemoryBytes(CLOSED_STORE));
        KStream<String, WindowStats> closed = inputs
                .windowedBy(TimeWindows.ofSizeAndGrace(windows.size(), windows.grace()))
                .aggregate(WindowAccumulator::new,
                        (key, input, window) -> {
                            if (input.isError()) {
                                window.addError();
                            } else {
                                window.add(input.score());
                            }
                            return window;
                        },
                        // In memory, as every store of the tasks: see StateStores.
                        Materialized.<String, WindowAccumulator>as(StateStores.inMemoryWindows(WINDOW_STORE,
                                        windows.size(), windows.grace()))
                                .withKeySerde(Serdes.String())
                                .withValueSerde(Serdes.serdeFrom(
                                        (topic, window) -> window.toBytes(),
                                        (topic, bytes) -> WindowAccumulator.fromBytes(bytes))))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("window-close"))
                .toStream()
                .map((windowed, window) -> {
                    ModelKey.Parts parts = ModelKey.parse(windowed.key());
                    return KeyValue.pair(windowed.key(), window.toWindowStats(parts.modelId(), parts.modelVersion(),
                            parts.segment(), windowed.window().start(), windowed.window().end()));
                })
                .process(() -> new ClosedWindowsOnce(CLOSED_STORE), CLOSED_STORE);
        closed.to(topics.windowStats(), Produced.with(Serdes.String(), statsSerde));
        return closed;
    }
}
