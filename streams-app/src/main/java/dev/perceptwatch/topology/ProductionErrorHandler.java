package dev.perceptwatch.topology;

import dev.perceptwatch.client.SchemaRegistryException;
import dev.perceptwatch.observability.InternalError;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

/**
 * Records that cannot be published.
 *
 * <p>One that cannot be serialized (a value Avro cannot write: a bug) is replaced by an {@code INTERNAL_ERROR}
 * dead letter and the stream goes on; a schema registry that cannot be reached or refuses the schema stops the
 * stream thread instead, as on input.
 *
 * <p>One the broker refuses (too large for the topic's {@code max.message.bytes}, a timestamp outside its
 * limits): under exactly-once the refusal has doomed the open transaction, so no dead letter can be written
 * in it. For a score or dead letter of the scoring stage, the event's position (its {@link
 * InternalErrors#INPUT_HEADER}) is remembered and the thread fails; the service replaces the thread, whose
 * tasks read their input again from the last commit, and the scoring stage dead-letters that event as
 * {@code INTERNAL_ERROR}, without its bytes. A second refusal for the same event, or a refused record of
 * another stage (window stats, alerts, a repartition or changelog record), stops the service: nothing is
 * skipped silently. Retriable errors are retried, as by Kafka Streams' default handler.
 */
public final class ProductionErrorHandler extends InternalErrorHandler implements ProductionExceptionHandler {
    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException) {
                return Response.fail();
            }
        }
        InputPosition event = errors.inputOf(record.topic(), record.headers());
        PendingRecord source = event != null ? errors.event(event) : InternalErrors.processed(context);
        return Response.resume(deadLettered(InternalError.PRODUCTION, "serializing a record for " + record.topic(),
                source, context, "its result for " + record.topic() + " cannot be serialized: " + exception,
                exception));
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        InputPosition event = errors.inputOf(record.topic(), record.headers());
        if (event != null && errors.refused(event, exception)) {
            errors.record(InternalError.PRODUCTION, "the broker refused the result of " + event + " for "
                    + record.topic() + "; the thread is replaced and the event dead-lettered as INTERNAL_ERROR",
                    exception);
        }
        return Response.fail();
    }
}
