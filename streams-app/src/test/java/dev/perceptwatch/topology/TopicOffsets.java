package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** Where partitions end, as the broker reports it. */
final class TopicOffsets {
    private TopicOffsets() {
    }

    /**
     * The end offset of each partition for a reader at {@code isolation}: under read_committed the last stable
     * offset, which an open transaction holds back.
     */
    static Map<TopicPartition, Long> latest(Admin admin, Collection<TopicPartition> partitions,
                                            IsolationLevel isolation) throws Exception {
        Map<TopicPartition, OffsetSpec> request = partitions.stream()
                .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get()
                .forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    /**
     * The partitions' ends once no transaction on them is open (the last stable offset has reached the end),
     * so that a reader that gets there cannot miss anything committed later; fails at {@code deadlineNanos}.
     */
    static Map<TopicPartition, Long> stableEnd(Admin admin, Collection<TopicPartition> partitions, long deadlineNanos)
            throws Exception {
        while (true) {
            Map<TopicPartition, Long> stable = latest(admin, partitions, IsolationLevel.READ_COMMITTED);
            Map<TopicPartition, Long> end = latest(admin, partitions, IsolationLevel.READ_UNCOMMITTED);
            if (stable.equals(end)) {
                return end;
            }
            if (System.nanoTime() > deadlineNanos) {
                fail("transactions still open: last stable offsets " + stable + ", ends " + end);
            }
            Thread.sleep(200);
        }
    }
}
