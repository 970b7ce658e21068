package dev.perceptwatch.topology;

import dev.perceptwatch.events.QualityScore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Windows scores by their event's {@code produced_at}. A score record carries the time it was scored, so that
 * the scores topic's retention counts from then: with the event time as record time, the scores of a replay
 * older than the retention would be deleted as soon as they were written.
 */
final class ProducedAtExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        return record.value() instanceof QualityScore score ? score.getProducedAt().toEpochMilli() : record.timestamp();
    }
}
