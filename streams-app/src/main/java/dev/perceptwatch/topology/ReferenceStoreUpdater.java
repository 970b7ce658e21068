package dev.perceptwatch.topology;

import dev.perceptwatch.client.BadRecordException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global references store in step with the compacted references topic. Values are stored as the
 * bytes that were published and decoded at lookup. A record that does not decode removes its id, logged,
 * since one bad reference must not stop the global thread: an event naming it is dead-lettered as
 * MISSING_REFERENCE rather than scored against an older image. When the registry cannot be reached the
 * bytes are stored unchecked: the global store's checkpoint moves past them, so skipping them would lose a
 * good reference for good.
 */
final class ReferenceStoreUpdater implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceStoreUpdater.class);

    private final ReferenceStore references;
    private KeyValueStore<String, byte[]> store;

    ReferenceStoreUpdater(ReferenceStore references) {
        this.references = references;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(references.storeName());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            LOG.warn("skipping a reference without key on {}", references.topic());
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        try {
            references.reader().deserialize(references.topic(), record.value());
        } catch (BadRecordException e) {
            LOG.warn("dropping reference '{}' on {}: {}", record.key(), references.topic(), e.getMessage());
            store.delete(record.key());
            return;
        } catch (SerializationException e) {
            LOG.warn("storing reference '{}' on {} unchecked: {}", record.key(), references.topic(), e.getMessage());
        }
        store.put(record.key(), record.value());
    }
}
