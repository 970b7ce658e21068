package dev.perceptwatch.topology;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * The stores of the stream tasks, all in memory with a changelog, restored from it at each start. They are
 * small (at most max-in-flight positions per task; a few windows, the last closed window's start and one drift state per model and version).
 *
 * <p>Not RocksDB, for exactly-once: after a crash, Kafka Streams finds a persistent store without its
 * checkpoint and throws TaskCorruptedException. If that happens during a rebalance, it skips committing the
 * thread's other tasks, then closes the corrupted one dirty, which aborts the thread's shared transaction
 * (exactly_once_v2): the scores and pending-store writes of a scoring task on the same thread are discarded
 * while that task goes on as if they were written, so its events are neither scored nor pending any more.
 * CrashRecoveryTest lost events this way (Kafka Streams 4.3.1, TaskManager.handleCorruption); an in-memory
 * store has no checkpoint to miss.
 */
final class StateStores {
    private StateStores() {
    }

    static StoreBuilder<KeyValueStore<String, byte[]>> inMemoryBytes(String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray());
    }

    /** Keeps each window until its grace has passed, as a windowed aggregation needs. */
    static WindowBytesStoreSupplier inMemoryWindows(String name, Duration size, Duration grace) {
        return Stores.inMemoryWindowStore(name, size.plus(grace), size, false);
    }
}
