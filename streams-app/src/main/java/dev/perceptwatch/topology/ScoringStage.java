package dev.perceptwatch.topology;

import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import dev.perceptwatch.events.ReferenceImage;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Wires generations -> scores and dead letters, with the references table and the pending store. */
public final class ScoringStage {
    static final String PENDING_STORE = "scoring-pending";
    public static final String REFERENCES_STORE = "references";
    /** The scoring processor's node name, by which Kafka Streams' exception handlers recognise it. */
    static final String PROCESSOR = "score-events";

    private ScoringStage() {
    }

    /**
     * How the stage scores its events, the same for each of its processors.
     *
     * @param processing how many events a task may have in flight and how often finished ones are published
     * @param listener   told of every event consumed, scored and dead-lettered
     * @param errors     the internal errors that refuse events, and dead-letter them
     */
    record Scoring(EventScorer scorer, Settings.Processing processing, Clock clock, ScoringListener listener,
                   InternalErrors errors) {
    }

    /** Returns the results, scores and dead letters, for the window stage. */
    static KStream<String, SpecificRecord> add(StreamsBuilder builder, Topics topics, AvroSerdes serdes,
                                               Scoring scoring) {
        ReferenceStore references = new ReferenceStore(REFERENCES_STORE, topics.references(),
                serdes.valueSerde(ReferenceImage.class).deserializer());
        StoreBuilder<KeyValueStore<String, byte[]>> referenceStore = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(REFERENCES_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled();
        builder.addGlobalStore(referenceStore, topics.references(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> new ReferenceStoreUpdater(references));

        builder.addStateStore(StateStores.inMemoryBytes(PENDING_STORE));

        Deserializer<GenerationEvent> eventReader = serdes.valueSerde(GenerationEvent.class).deserializer();
        KStream<String, SpecificRecord> results = builder
                .stream(topics.generations(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> new ScoringProcessor(PENDING_STORE, eventReader, new ReferenceLookup(references),
                        scoring), Named.as(PROCESSOR), PENDING_STORE);
        results.filter((key, value) -> value instanceof QualityScore)
                .mapValues(value -> (QualityScore) value)
                .to(topics.scores(), Produced.with(Serdes.String(), serdes.valueSerde(QualityScore.class)));
        results.filter((key, value) -> value instanceof DeadLetter)
                .mapValues(value -> (DeadLetter) value)
                .to(topics.deadLetters(), Produced.with(Serdes.String(), serdes.valueSerde(DeadLetter.class)));
        return results;
    }
}
