package dev.perceptwatch.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Makes the value serde of an event type (in production: the schema registry serde, configured). */
@FunctionalInterface
public interface AvroSerdes {
    <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type);
}
