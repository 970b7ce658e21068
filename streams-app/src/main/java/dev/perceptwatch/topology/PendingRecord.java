package dev.perceptwatch.topology;

import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * An input record whose score is not yet published, exactly as it was read, so that it can be dead-lettered
 * unchanged. The pending store keeps only its position and key ({@link PendingMark}): after a restart the
 * record is read back from the input topic ({@link InputReplay}).
 */
record PendingRecord(String topic, int partition, long offset, long timestamp,
                     byte[] key, byte[] value, List<Header> headers) {

    InputPosition position() {
        return new InputPosition(topic, partition, offset);
    }

    String storeKey() {
        return position().storeKey();
    }
}
