package dev.perceptwatch.topology;

import dev.perceptwatch.events.ReferenceImage;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The global store of references: its name, the compacted topic it mirrors, and how its values, the bytes as
 * published, are read. {@link ReferenceStoreUpdater} writes it, {@link ReferenceLookup} reads it.
 */
record ReferenceStore(String storeName, String topic, Deserializer<ReferenceImage> reader) {
}
