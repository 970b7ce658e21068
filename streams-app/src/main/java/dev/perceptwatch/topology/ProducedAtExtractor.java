package dev.perceptwatch.topology;

import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.contract.EventContract;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Windows scores and dead letters by their event's {@code produced_at}. Their records carry the time they were
 * scored or dead-lettered, so that the topics' retention counts from then: with the event time as record
 * time, the results of a replay older than the retention would be deleted as soon as they were written.
 *
 * <p>A score's produced_at passed validation. A dead letter's may not have: its event may have been refused
 * for that very time (a day ahead, microseconds sent as milliseconds). Such a time would move stream time
 * ahead, closing the windows of every event after it, and a broker refuses a record more than an hour ahead
 * (the dead letters' repartition). So a dead letter has an event time only when its produced_at passes the
 * same rule against its failed_at; the window stage counts no other (see {@link #eventTime}).
 */
final class ProducedAtExtractor implements TimestampExtractor {
    private final Duration maxFutureSkew;

    ProducedAtExtractor(Duration maxFutureSkew) {
        this.maxFutureSkew = maxFutureSkew;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof QualityScore score) {
            return score.getProducedAt().toEpochMilli();
        }
        if (record.value() instanceof DeadLetter letter) {
            Instant eventTime = eventTime(letter);
            // Without one, the record time (failed_at): the window stage drops the letter before any window.
            return eventTime != null ? eventTime.toEpochMilli() : record.timestamp();
        }
        return record.timestamp();
    }

    /** The letter's produced_at when it is a valid event time, else null: it then belongs to no window. */
    Instant eventTime(DeadLetter letter) {
        Instant producedAt = letter.getProducedAt();
        return producedAt != null && EventContract.producedAtProblem(producedAt, letter.getFailedAt(), maxFutureSkew) == null
                ? producedAt : null;
    }
}
