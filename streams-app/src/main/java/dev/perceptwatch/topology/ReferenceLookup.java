package dev.perceptwatch.topology;

import dev.perceptwatch.events.ReferenceImage;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/** Reads references from the global store, which holds them as published; used on the stream thread only. */
final class ReferenceLookup {
    private final String storeName;
    private final String topic;
    private final Deserializer<ReferenceImage> reader;
    private KeyValueStore<String, byte[]> store;

    ReferenceLookup(String storeName, String topic, Deserializer<ReferenceImage> reader) {
        this.storeName = storeName;
        this.topic = topic;
        this.reader = reader;
    }

    void init(ProcessorContext<?, ?> context) {
        store = context.getStateStore(storeName);
    }

    /** The reference, or null when the id is unknown. */
    ReferenceImage find(String referenceId) {
        byte[] bytes = store.get(referenceId);
        return bytes == null ? null : reader.deserialize(topic, bytes);
    }
}
