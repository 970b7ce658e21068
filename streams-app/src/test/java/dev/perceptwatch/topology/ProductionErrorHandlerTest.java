package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.config.Topics;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.junit.jupiter.api.Test;

/**
 * A result the broker refuses as too large: the broker checks its limit per batch, so a small result can be
 * refused for a large neighbour (a fresh-clone run of BadInputTest had an undecodable image's 1 KB dead letter
 * refused with the 2 MB one of the refused-dead-letter case, and it became INTERNAL_ERROR).
 */
class ProductionErrorHandlerTest {
    private final Topics topics = Topics.defaults();
    private final InternalErrors errors = new InternalErrors(kind -> { }, (topic, letter) -> new byte[0], topics,
            Clock.systemUTC());
    private final ProductionErrorHandler handler = new ProductionErrorHandler();
    private final InputPosition event = new InputPosition(topics.generations(), 0, 16);

    ProductionErrorHandlerTest() {
        handler.configure(Map.of(InternalErrors.CONFIG, errors));
    }

    private Response refuse(int valueBytes, Exception refusal) {
        ProducerRecord<byte[], byte[]> result = new ProducerRecord<>(topics.deadLetters(), null, null, new byte[0],
                new byte[valueBytes], List.<Header>of(InternalErrors.inputHeader(event)));
        return handler.handleError(null, result, refusal);
    }

    @Test
    void aSmallResultRefusedWithItsBatchIsProcessedAgainAsItWasABoundedNumberOfTimes() {
        // Once per large neighbour it shared a batch with (BadInputTest's stream has several), then dead-lettered.
        for (int round = 1; round <= InternalErrors.BATCH_REFUSALS; round++) {
            RecordTooLargeException refusal = new RecordTooLargeException("batch too large");
            assertEquals(Result.FAIL, refuse(1_000, refusal).result());
            assertNull(errors.refusalOf(event), "round " + round + ": processed again as it was, not dead-lettered");
            assertTrue(errors.isRememberedRefusal(refusal), "round " + round + ": its thread is replaced");
        }
        RecordTooLargeException last = new RecordTooLargeException("batch too large");
        assertEquals(Result.FAIL, refuse(1_000, last).result());
        assertSame(last, errors.refusalOf(event), "refused every time: dead-lettered, never processed for ever");
    }

    @Test
    void aLargeResultRefusedIsDeadLetteredAtOnce() {
        RecordTooLargeException refusal = new RecordTooLargeException("too large");
        assertEquals(Result.FAIL, refuse(DeadLetters.ENVELOPE_BYTES, refusal).result());
        assertSame(refusal, errors.refusalOf(event));
        assertTrue(errors.isRememberedRefusal(refusal));
    }
}
