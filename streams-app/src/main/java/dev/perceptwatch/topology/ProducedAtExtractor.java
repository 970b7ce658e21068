package dev.perceptwatch.topology;

import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.QualityScore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Windows scores and dead letters by their event's {@code produced_at}. Their records carry the time they were
 * scored or dead-lettered, so that the topics' retention counts from then: with the event time as record
 * time, the results of a replay older than the retention would be deleted as soon as they were written.
 */
final class ProducedAtExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof QualityScore score) {
            return score.getProducedAt().toEpochMilli();
        }
        if (record.value() instanceof DeadLetter letter && letter.getProducedAt() != null) {
            return letter.getProducedAt().toEpochMilli();
        }
        return record.timestamp();
    }
}
