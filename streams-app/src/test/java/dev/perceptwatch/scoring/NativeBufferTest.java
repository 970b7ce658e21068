package dev.perceptwatch.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** Issue 19: a worker's native buffers no longer keep the largest batch they ever saw. */
class NativeBufferTest {
    private static final int LARGE = 4096 * 4096 * 3;
    private static final int USUAL = 256 * 256 * 3 * 8;

    @Test
    void growsToTheBatchAndIsReusedWhileBatchesNeedMostOfIt() {
        NativeBuffer native1 = new NativeBuffer();
        FloatBuffer first = native1.take(USUAL);
        assertTrue(first.isDirect());
        assertEquals(USUAL, first.limit());
        for (int i = 0; i < 3 * NativeBuffer.SHRINK_AFTER; i++) {
            FloatBuffer again = native1.take(USUAL - i);
            assertSame(first, again, "reused, not reallocated, batch " + i);
            assertEquals(USUAL - i, again.limit());
            assertEquals(0, again.position());
        }
    }

    @Test
    void oneLargePairIsReleasedAfterUsualBatches() {
        NativeBuffer native1 = new NativeBuffer();
        FloatBuffer large = native1.take(LARGE);
        assertEquals(LARGE, large.capacity());
        for (int i = 1; i < NativeBuffer.SHRINK_AFTER; i++) {
            assertSame(large, native1.take(USUAL), "kept for " + i + " usual batches: large pairs may come again");
        }
        FloatBuffer shrunk = native1.take(USUAL);
        assertEquals(USUAL, shrunk.capacity(), "replaced by one of the usual batch's size");
        assertSame(shrunk, native1.take(USUAL));
    }

    @Test
    void aLargeBatchInBetweenRestartsTheCount() {
        NativeBuffer native1 = new NativeBuffer();
        FloatBuffer large = native1.take(LARGE);
        for (int round = 0; round < 3; round++) {
            for (int i = 1; i < NativeBuffer.SHRINK_AFTER; i++) {
                native1.take(USUAL);
            }
            assertSame(large, native1.take(LARGE), "a large batch again: the buffer stays");
        }
    }
}
