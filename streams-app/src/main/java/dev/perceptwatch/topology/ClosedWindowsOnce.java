package dev.perceptwatch.topology;

import dev.perceptwatch.events.WindowStats;
import java.nio.ByteBuffer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes each closed window of a key on once: a window that does not start after the last one passed on for
 * its key is dropped. The suppression alone does not ensure that when a task moves to another instance: Kafka
 * Streams keeps the windowed aggregation's and the suppression's stream time in memory only (4.3.1), so the
 * new owner starts both from nothing, takes a late record for a window that the former owner already emitted
 * (it is still in the restored window store) and emits that window a second time, with the late record
 * counted (ChurnTest found such windows after a clean SIGTERM). The last start of each key is kept in a
 * changelogged store, written in the transaction that publishes the window.
 */
final class ClosedWindowsOnce implements Processor<String, WindowStats, String, WindowStats> {
    private static final Logger LOG = LoggerFactory.getLogger(ClosedWindowsOnce.class);

    private final String storeName;
    private ProcessorContext<String, WindowStats> context;
    private KeyValueStore<String, byte[]> lastStarts;

    ClosedWindowsOnce(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<String, WindowStats> context) {
        this.context = context;
        this.lastStarts = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, WindowStats> record) {
        long start = record.value().getWindowStart().toEpochMilli();
        byte[] last = lastStarts.get(record.key());
        if (last != null && start <= ByteBuffer.wrap(last).getLong()) {
            LOG.info("window {} of {} closed again after a task move; the first emission stands, this one is dropped",
                    record.value().getWindowStart(), record.key());
            return;
        }
        lastStarts.put(record.key(), ByteBuffer.allocate(Long.BYTES).putLong(start).array());
        context.forward(record);
    }
}
