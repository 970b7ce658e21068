package dev.perceptwatch.topology;

import dev.perceptwatch.client.SchemaRegistryException;
import dev.perceptwatch.observability.InternalError;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * skipped silently. The broker checks its size limit per batch, so a small result refused as too large was
 * refused with a large neighbour: its thread is replaced too, but its event is processed again as it was (up
 * to {@link InternalErrors#BATCH_REFUSALS} times, once per large neighbour). Retriable errors are retried, as by
 * Kafka Streams' default handler.
 */
public final class ProductionErrorHandler extends InternalErrorHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProductionErrorHandler.class);

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
        if (event == null) {
            return Response.fail();
        }
        if (exception instanceof RecordTooLargeException && bytes(record) < DeadLetters.ENVELOPE_BYTES
                && errors.refusedWithBatch(event, exception)) {
            // The broker checks its size limit per batch and refuses every record of it: a result this small
            // was refused for a large neighbour. Processed again, it goes out as it was (the neighbour, now a
            // dead letter without its bytes, no longer holds it back).
            LOG.warn("the broker refused the batch holding the {}-byte result of {} for {} ({}); the thread is"
                    + " replaced and the event processed again", bytes(record), event, record.topic(),
                    exception.getMessage());
        } else if (errors.refused(event, exception)) {
            errors.record(InternalError.PRODUCTION, "the broker refused the result of " + event + " for "
                    + record.topic() + "; the thread is replaced and the event dead-lettered as INTERNAL_ERROR",
                    exception);
        }
        return Response.fail();
    }

    private static long bytes(ProducerRecord<byte[], byte[]> record) {
        long bytes = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0
                : record.value().length);
        for (Header header : record.headers()) {
            bytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return bytes;
    }
}
