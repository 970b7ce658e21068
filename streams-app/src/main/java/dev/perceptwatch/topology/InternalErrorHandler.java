package dev.perceptwatch.topology;

import dev.perceptwatch.observability.InternalError;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * What the service's Kafka Streams exception handlers share: the instance's {@link InternalErrors} and dead
 * letters, found in the Streams configs ({@link InternalErrors#addTo}), and the step that counts a failure and
 * dead-letters its record as {@code INTERNAL_ERROR}.
 */
abstract class InternalErrorHandler {
    InternalErrors errors;
    private DeadLetters deadLetters;

    public void configure(Map<String, ?> configs) {
        this.deadLetters = DeadLetters.forConfig(configs);
        this.errors = InternalErrors.from(configs);
    }

    /**
     * Counts and logs the failure ({@code step}, then where: the processor and the record), and returns the
     * dead letter of {@code source} whose message is {@code problem} and where.
     */
    List<ProducerRecord<byte[], byte[]>> deadLettered(InternalError kind, String step, PendingRecord source,
                                                      ErrorHandlerContext context, String problem,
                                                      Exception exception) {
        String where = InternalErrors.where(context, source.position());
        errors.record(kind, step.isEmpty() ? where : step + " " + where, exception);
        return List.of(errors.deadLetter(source, problem + " " + where, deadLetters));
    }
}
