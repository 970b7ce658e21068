package dev.perceptwatch.topology;

import dev.perceptwatch.client.BadRecordException;
import dev.perceptwatch.observability.InternalError;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * A record of a topic the service reads back (scores, dead letters: the generations are read as bytes) that
 * is not one of its Avro records, written there by someone else, is dead-lettered as {@code INTERNAL_ERROR}
 * with its bytes and skipped. A schema registry that cannot be reached stops the stream thread instead: the
 * record is likely good and is read again after a restart.
 */
public final class DeserializationErrorHandler extends InternalErrorHandler implements DeserializationExceptionHandler {
    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (!(exception instanceof BadRecordException)) {
            return Response.fail();
        }
        PendingRecord input = new PendingRecord(record.topic(), record.partition(), record.offset(),
                record.timestamp(), record.key(), record.value(), List.of(record.headers().toArray()));
        return Response.resume(deadLettered(InternalError.DESERIALIZATION, "", input, context,
                "unreadable record: " + exception.getMessage(), exception));
    }
}
