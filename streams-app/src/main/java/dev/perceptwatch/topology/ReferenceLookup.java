package dev.perceptwatch.topology;

import dev.perceptwatch.client.BadRecordException;
import dev.perceptwatch.events.ReferenceImage;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads references from the global store, which holds them as published; used on the stream thread only. */
final class ReferenceLookup {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceLookup.class);
    private final ReferenceStore references;
    private KeyValueStore<String, byte[]> store;

    ReferenceLookup(ReferenceStore references) {
        this.references = references;
    }

    void init(ProcessorContext<?, ?> context) {
        store = context.getStateStore(references.storeName());
    }

    /**
     * The reference, or null when the id is unknown or its bytes (stored unchecked during a registry outage)
     * are not a reference. A registry still unreachable throws, as for the event itself.
     */
    ReferenceImage find(String referenceId) {
        byte[] bytes = store.get(referenceId);
        if (bytes == null) {
            return null;
        }
        try {
            return references.reader().deserialize(references.topic(), bytes);
        } catch (BadRecordException e) {
            LOG.warn("reference '{}' on {} is unreadable: {}", referenceId, references.topic(), e.getMessage());
            return null;
        }
    }
}
