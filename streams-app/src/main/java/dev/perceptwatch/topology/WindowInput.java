package dev.perceptwatch.topology;

import dev.perceptwatch.events.QualityScore;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What a window counts of one event: its score, or, when {@code score} is null, that the event was
 * dead-lettered. Scores and errors of a window key travel in one record stream, in the order their scoring
 * task published them (see {@link WindowStage}).
 */
record WindowInput(QualityScore score) {
    static final WindowInput ERROR = new WindowInput(null);

    boolean isError() {
        return score == null;
    }

    /**
     * A score as the scores' own serde writes it, an error as no bytes at all: a registry-framed Avro record is
     * never empty, and a null value would be dropped by the aggregation.
     */
    static Serde<WindowInput> serde(Serde<QualityScore> scores) {
        Serializer<QualityScore> writer = scores.serializer();
        Deserializer<QualityScore> reader = scores.deserializer();
        return Serdes.serdeFrom(
                (topic, input) -> input == null ? null : input.isError() ? new byte[0] : writer.serialize(topic, input.score()),
                (topic, bytes) -> bytes == null ? null : bytes.length == 0 ? ERROR
                        : new WindowInput(reader.deserialize(topic, bytes)));
    }
}
