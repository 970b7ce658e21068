package dev.perceptwatch.topology;

import dev.perceptwatch.client.BadRecordException;
import dev.perceptwatch.observability.InternalError;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * A record of a topic the service reads back (scores, dead letters: the generations are read as bytes) that
 * is not one of its Avro records, written there by someone else, is dead-lettered as {@code INTERNAL_ERROR}
 * with its bytes and skipped. A schema registry that cannot be reached stops the stream thread instead: the
 * record is likely good and is read again after a restart.
 */
public final class DeserializationErrorHandler implements DeserializationExceptionHandler {
    private InternalErrors errors;
    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        this.deadLetters = DeadLetters.forConfig(configs);
        this.errors = InternalErrors.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (!(exception instanceof BadRecordException)) {
            return Response.fail();
        }
        PendingRecord input = new PendingRecord(record.topic(), record.partition(), record.offset(),
                record.timestamp(), record.key(), record.value(), List.of(record.headers().toArray()));
        String where = InternalErrors.where(context, input.position());
        errors.record(InternalError.DESERIALIZATION, where, exception);
        return Response.resume(List.of(errors.deadLetter(input, "unreadable record: " + exception.getMessage() + " "
                + where, deadLetters)));
    }
}
