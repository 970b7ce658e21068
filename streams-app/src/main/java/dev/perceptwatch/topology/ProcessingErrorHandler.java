package dev.perceptwatch.topology;

import dev.perceptwatch.observability.InternalError;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A record that makes a processor throw is dead-lettered as {@code INTERNAL_ERROR} (the exception, the
 * processor, the input position and, when Kafka Streams still holds them, the input's bytes) and the stream
 * goes on: the guard for the next poison pill. Two kinds of failure still stop the stream thread, on purpose:
 * Kafka's own exceptions (a schema registry that cannot be reached, a send the broker refused), where the
 * record is not at fault and must be read again after a restart; and whatever escapes the scoring processor,
 * which dead-letters its events' failures itself and keeps their positions in its pending store, so that a
 * dead letter here would give its event a second result.
 */
public final class ProcessingErrorHandler extends InternalErrorHandler implements ProcessingExceptionHandler {
    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof KafkaException || ScoringStage.PROCESSOR.equals(context.processorNodeId())) {
            return Response.fail();
        }
        if (record == null || context.topic() == null) {
            // A punctuation: no record to dead-letter, and the next one tries again.
            errors.record(InternalError.PROCESSING, "in a punctuation of " + context.processorNodeId(), exception);
            return Response.resume();
        }
        return Response.resume(deadLettered(InternalError.PROCESSING, "", InternalErrors.processed(context), context,
                "processing failed: " + exception, exception));
    }
}
