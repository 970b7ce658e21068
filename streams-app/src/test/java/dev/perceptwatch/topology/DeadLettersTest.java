package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.service.PerceptWatchService;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final int MAX_RECORD_BYTES = 1024 * 1024;

    private static PendingRecord input(int valueBytes) {
        return new PendingRecord("generations", 3, 42, NOW.toEpochMilli(), "k".getBytes(StandardCharsets.UTF_8),
                new byte[valueBytes], List.of(new RecordHeader("trace", new byte[] {7})));
    }

    private static int encodedSize(DeadLetter letter) throws IOException {
        return letter.toByteBuffer().remaining();
    }

    @Test
    void aDeadLetterCopiesTheInputItFits() {
        DeadLetter letter = new DeadLetters(MAX_RECORD_BYTES).of(input(1000), null, RejectReason.BAD_SCHEMA, "bad",
                NOW);
        assertEquals(1000, letter.getOriginalValue().remaining());
        assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), bytes(letter.getOriginalKey()));
        assertEquals("bad", letter.getMessage());
    }

    @Test
    void anInputNearTheRecordLimitIsLeftOutAndItsPositionNamed() throws IOException {
        int value = MAX_RECORD_BYTES - 1000;
        DeadLetter letter = new DeadLetters(MAX_RECORD_BYTES).of(input(value), null, RejectReason.IMAGE_TOO_LARGE,
                "too many pixels", NOW);
        assertNull(letter.getOriginalValue());
        assertTrue(letter.getMessage().startsWith("too many pixels [original value of " + value + " bytes not copied"),
                letter.getMessage());
        assertTrue(letter.getMessage().contains("generations-3@42"), letter.getMessage());
        assertEquals("trace", letter.getOriginalHeaders().get(0).getKey(), "key and headers are still copied");
        assertTrue(encodedSize(letter) < MAX_RECORD_BYTES - DeadLetters.ENVELOPE_BYTES / 2, "fits in a record");
    }

    @Test
    void theLargestCopiedInputStillFitsInARecord() throws IOException {
        String longMessage = "x".repeat(100_000);
        int value = MAX_RECORD_BYTES - DeadLetters.ENVELOPE_BYTES - 1 - "trace".length() - 1;
        DeadLetter letter = new DeadLetters(MAX_RECORD_BYTES).of(input(value), null, RejectReason.SCORING_FAILED,
                longMessage, NOW);
        assertEquals(value, letter.getOriginalValue().remaining());
        assertTrue(letter.getMessage().length() < 5000, "the message is cut: " + letter.getMessage().length());
        assertTrue(encodedSize(letter) <= MAX_RECORD_BYTES, encodedSize(letter) + " bytes");
    }

    @Test
    void theLimitIsTheProducersMaxRequestSizeAsKafkaStreamsSetsIt() {
        assertEquals(List.of(true, false), copied(Map.of(), 1_000_000, 1_040_000), "the producer's default, 1 MiB");
        assertEquals(List.of(true, true), copied(Map.of("producer.max.request.size", 10 * 1024 * 1024),
                1_000_000, 1_040_000), "the service's setting (PerceptWatchService.streamsProperties)");
        assertEquals(List.of(true, false), copied(Map.of("max.request.size", "2097152"), 2_000_000, 2_090_000),
                "a kafka.* setting for every client, as text");
    }

    private static List<Boolean> copied(Map<String, Object> appConfigs, int... valueBytes) {
        DeadLetters letters = DeadLetters.forConfig(appConfigs);
        return Arrays.stream(valueBytes)
                .mapToObj(bytes -> letters.of(input(bytes), null, RejectReason.BAD_SCHEMA, "m", NOW)
                        .getOriginalValue() != null)
                .toList();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
