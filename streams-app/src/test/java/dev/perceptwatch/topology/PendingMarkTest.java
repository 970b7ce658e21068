package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingMarkTest {

    @Test
    void keepsThePositionAndTheKeyButNotTheValue() {
        byte[] value = new byte[400_000];
        PendingRecord record = new PendingRecord("perceptwatch.generations", 4, 1234567, 99,
                "event-1".getBytes(StandardCharsets.UTF_8), value, List.of());

        byte[] stored = PendingMark.of(record).toBytes();
        PendingMark read = PendingMark.fromBytes(stored);

        assertEquals(new InputPosition("perceptwatch.generations", 4, 1234567), read.position());
        assertArrayEquals(record.key(), read.key());
        assertTrue(stored.length < 64, "images stay out of the changelog: " + stored.length + " bytes");
    }

    @Test
    void keepsANullKey() {
        PendingRecord record = new PendingRecord("t", 0, 0, 0, null, new byte[1], List.of());

        assertNull(PendingMark.fromBytes(PendingMark.of(record).toBytes()).key());
    }

    @Test
    void refusesAnotherFormat() {
        byte[] stored = PendingMark.of(new PendingRecord("t", 0, 0, 0, null, null, List.of())).toBytes();
        stored[0] = 1;

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> PendingMark.fromBytes(stored));
        assertTrue(failure.getMessage().contains("format 1"), failure.getMessage());
    }

    @Test
    void storeKeysSortInInputOrder() {
        assertTrue(new InputPosition("g", 1, 99).storeKey().compareTo(new InputPosition("g", 1, 100).storeKey()) < 0);
        assertTrue(new InputPosition("g", 9, 5).storeKey().compareTo(new InputPosition("g", 10, 1).storeKey()) < 0);
    }
}
