package dev.perceptwatch.topology;

import dev.perceptwatch.contract.EventContract;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.QualityScore;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns the scoring stage's results into window inputs: keyed by the window's key and stamped with the
 * event's {@code produced_at}, whereas the results themselves carry the time they were scored or dead-lettered,
 * so that the topics' retention counts from then (with the event time as record time, the results of a replay
 * older than the retention would be deleted as soon as they were written).
 *
 * <p>A score's produced_at passed validation. A dead letter's may not have: its event may have been refused for
 * that very time (a day ahead, microseconds sent as milliseconds). Such a time would move stream time ahead,
 * closing the windows of every event after it, and a broker refuses a record more than an hour ahead (the
 * window input's repartition). So a dead letter counts as an error only when its produced_at passes the same
 * rule against its failed_at, and its ids pass the id rule (a bad id cannot key a window); and only in
 * unsegmented windows, as it carries no attributes.
 */
final class WindowInputs implements Processor<String, SpecificRecord, String, WindowInput> {
    private final String segmentAttribute;
    private final Duration maxFutureSkew;
    private ProcessorContext<String, WindowInput> context;

    WindowInputs(String segmentAttribute, Duration maxFutureSkew) {
        this.segmentAttribute = segmentAttribute;
        this.maxFutureSkew = maxFutureSkew;
    }

    @Override
    public void init(ProcessorContext<String, WindowInput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (record.value() instanceof QualityScore score) {
            String segment = segmentAttribute == null ? null : score.getAttributes().get(segmentAttribute);
            forward(record, ModelKey.of(score.getModelId(), score.getModelVersion(), segment), score.getProducedAt(),
                    new WindowInput(score));
        } else if (record.value() instanceof DeadLetter letter && segmentAttribute == null
                && EventContract.validId(letter.getModelId()) && EventContract.validId(letter.getModelVersion())) {
            Instant producedAt = letter.getProducedAt();
            if (producedAt != null
                    && EventContract.producedAtProblem(producedAt, letter.getFailedAt(), maxFutureSkew) == null) {
                forward(record, ModelKey.of(letter.getModelId(), letter.getModelVersion()), producedAt, WindowInput.ERROR);
            }
        }
    }

    private void forward(Record<String, SpecificRecord> record, String key, Instant eventTime, WindowInput input) {
        context.forward(record.withKey(key).withValue(input).withTimestamp(eventTime.toEpochMilli()));
    }
}
