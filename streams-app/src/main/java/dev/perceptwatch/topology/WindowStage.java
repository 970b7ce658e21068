package dev.perceptwatch.topology;

import dev.perceptwatch.aggregation.WindowAccumulator;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.contract.EventContract;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.CogroupedKStream;
import org.apache.kafka.streams.kstream.Consumed;
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
 */
final class WindowStage {
    static final String WINDOW_STORE = "window-aggregates";
    static final String CLOSED_STORE = "window-last-closed";

    private WindowStage() {
    }

    static KStream<String, WindowStats> add(StreamsBuilder builder, Topics topics, AvroSerdes serdes,
                                             Settings.Windows windows) {
        Serde<QualityScore> scoreSerde = serdes.valueSerde(QualityScore.class);
        Serde<WindowStats> statsSerde = serdes.valueSerde(WindowStats.class);
        String segment = windows.segmentAttribute();
        ProducedAtExtractor eventTimes = new ProducedAtExtractor(windows.maxFutureSkew());
        KStream<String, QualityScore> scores = builder.stream(topics.scores(),
                Consumed.with(Serdes.String(), scoreSerde).withTimestampExtractor(eventTimes));
        // Scores are already keyed by model and version: without segments no repartition is needed.
        // Re-keyed streams go through an explicit repartition: cogrouping a stream re-keyed by groupBy() makes
        // Kafka Streams require its source topic to be co-partitioned with the scores topic, and the
        // dead-letter topic has fewer partitions.
        KGroupedStream<String, QualityScore> groupedScores = segment == null
                ? scores.groupByKey(Grouped.with(Serdes.String(), scoreSerde))
                : scores.selectKey((key, score) -> ModelKey.of(score.getModelId(), score.getModelVersion(),
                                score.getAttributes().get(segment)))
                        .repartition(Repartitioned.with(Serdes.String(), scoreSerde).withName("scores-by-segment"))
                        .groupByKey(Grouped.with(Serdes.String(), scoreSerde));
        CogroupedKStream<String, WindowAccumulator> cogrouped = groupedScores.cogroup((key, score, window) -> {
            window.add(score);
            return window;
        });
        if (segment == null) {
            // A dead letter carries no attributes, so errors are counted only in unsegmented windows. Only letters
            // whose ids and event time pass the event contract: a bad id cannot key a window, a bad time (the
            // extractor then gives failed_at) must move no stream time and reach no repartition topic.
            Serde<DeadLetter> deadLetterSerde = serdes.valueSerde(DeadLetter.class);
            KGroupedStream<String, DeadLetter> errors = builder
                    .stream(topics.deadLetters(), Consumed.with(Serdes.String(), deadLetterSerde)
                            .withTimestampExtractor(eventTimes))
                    .filter((key, letter) -> letter != null && EventContract.validId(letter.getModelId())
                            && EventContract.validId(letter.getModelVersion()) && eventTimes.eventTime(letter) != null)
                    .selectKey((key, letter) -> ModelKey.of(letter.getModelId(), letter.getModelVersion()))
                    .repartition(Repartitioned.with(Serdes.String(), deadLetterSerde).withName("dead-letters-by-model"))
                    .groupByKey(Grouped.with(Serdes.String(), deadLetterSerde));
            cogrouped = cogrouped.cogroup(errors, (key, letter, window) -> {
                window.addError();
                return window;
            });
        }
        builder.addStateStore(StateStores.inMemoryBytes(CLOSED_STORE));
        KStream<String, WindowStats> closed = cogrouped
                .windowedBy(TimeWindows.ofSizeAndGrace(windows.size(), windows.grace()))
                .aggregate(WindowAccumulator::new,
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
