package dev.perceptwatch.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.imaging.RgbImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The micro-batcher on the real AlexNet LPIPS model, with sample images. */
class MicroBatcherTest extends LpipsAlexFixture {

    /** Pairs of 64x64, 96x128 (HxW) and 128x128 crops; every other one asks for the spatial map. */
    private List<LpipsPair> mixedPairs() {
        int[][] sizes = {{64, 64}, {128, 96}, {128, 128}};
        List<LpipsPair> pairs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            for (int[] size : sizes) {
                int width = size[0];
                int height = size[1];
                RgbImage img0 = astronaut.crop(40 * i, 30 * i, width, height);
                RgbImage img1 = i % 2 == 0
                        ? coffee.crop(50 * i, 20 * i, width, height)
                        : chelsea.crop(30 * i, 10 * i, width, height);
                pairs.add(TestImages.pair(img0, img1, pairs.size() % 2 == 0));
            }
        }
        return pairs;
    }

    /** With 2 workers two batches run at once on the one session (scoring.batch-workers). */
    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void batchedScoresEqualUnbatchedForMixedSizesFromSeveralThreads(int workers) throws Exception {
        List<LpipsPair> pairs = mixedPairs();
        List<PerceptualScore> expected = pairs.stream().map(this::unbatched).toList();
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        int threads = 3;
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try (MicroBatcher batcher = new MicroBatcher(model, null, 4, Duration.ofSeconds(2), 16, workers,
                (size, nanos) -> batchSizes.add(size))) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<CompletableFuture<PerceptualScore>>>> submitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                submitted.add(callers.submit(() -> {
                    start.await();
                    List<CompletableFuture<PerceptualScore>> mine = new ArrayList<>();
                    for (int i = first; i < pairs.size(); i += threads) {
                        mine.add(batcher.submit(pairs.get(i)));
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (int t = 0; t < threads; t++) {
                List<CompletableFuture<PerceptualScore>> mine = submitted.get(t).get(WAIT_S, TimeUnit.SECONDS);
                for (int k = 0; k < mine.size(); k++) {
                    int index = t + k * threads;
                    assertSameScore(expected.get(index), mine.get(k).get(WAIT_S, TimeUnit.SECONDS), "pair " + index);
                }
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(pairs.size(), batchSizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(batchSizes.stream().anyMatch(size -> size > 1), "some pairs ran together: " + batchSizes);
        assertTrue(batchSizes.stream().allMatch(size -> size <= 4), "no batch above batchSize: " + batchSizes);
    }

    @Test
    void largeImagesRunInSmallerBatchesNotInOneThatOverflows() throws Exception {
        // 1448 x 1448 = 2,096,704 pixels: four per batch under MAX_BATCH_PIXELS (8 x 1024 x 1024).
        int side = 1448;
        assertEquals(4, MicroBatcher.MAX_BATCH_PIXELS / ((long) side * side));
        Random random = new Random(5);
        byte[] noise = new byte[3 * side * side];
        random.nextBytes(noise);
        RgbImage other = new RgbImage(side, side, noise.clone());
        random.nextBytes(noise);
        LpipsPair large = new LpipsPair(new RgbImage(side, side, noise), other, false);
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<PerceptualScore>> futures = new ArrayList<>();
        try (MicroBatcher batcher = new MicroBatcher(model, null, 8, Duration.ofMinutes(10), 16, 1,
                (size, nanos) -> batchSizes.add(size))) {
            for (int i = 0; i < 5; i++) {
                futures.add(batcher.submit(large));
            }
            // Four make a full batch: it runs without waiting the 10 minutes.
            futures.get(0).get(WAIT_S, TimeUnit.SECONDS);
        }
        assertEquals(List.of(4, 1), batchSizes, "the fifth ran when close() drained the queue");
        double expected = futures.get(0).get().lpips();
        for (CompletableFuture<PerceptualScore> future : futures) {
            assertEquals(expected, future.get().lpips(), 1e-6);
        }
    }

    @Test
    void lonePairRunsAloneOnceMaxWaitHasPassed() throws Exception {
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        LpipsPair pair = mixedPairs().get(0);
        try (MicroBatcher batcher = new MicroBatcher(model, null, 8, Duration.ofMillis(100), 16, 1,
                (size, nanos) -> batchSizes.add(size))) {
            PerceptualScore score = batcher.submit(pair).get(WAIT_S, TimeUnit.SECONDS);
            assertSameScore(unbatched(pair), score, "lone pair");
        }
        assertEquals(List.of(1), batchSizes);
    }

    @Test
    void fullQueueBlocksSubmit() throws Exception {
        CountDownLatch workerInsideBatch = new CountDownLatch(1);
        CountDownLatch releaseWorker = new CountDownLatch(1);
        BatchListener blockingListener = (size, nanos) -> {
            workerInsideBatch.countDown();
            try {
                releaseWorker.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        LpipsPair pair = mixedPairs().get(0);
        int capacity = 2;
        try (MicroBatcher batcher = new MicroBatcher(model, null, 1, Duration.ofMillis(10), capacity, 1, blockingListener)) {
            List<CompletableFuture<PerceptualScore>> futures = new ArrayList<>();
            futures.add(batcher.submit(pair));
            assertTrue(workerInsideBatch.await(WAIT_S, TimeUnit.SECONDS), "the worker took the first pair");
            for (int i = 0; i < capacity; i++) {
                futures.add(batcher.submit(pair));
            }
            // The worker holds the first pair; these wait, and fill the queue.

            AtomicReference<CompletableFuture<PerceptualScore>> blocked = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    blocked.set(batcher.submit(pair));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            caller.start();
            awaitState(caller, Thread.State.WAITING);
            assertNull(blocked.get(), "submit is still blocked while the queue is full");

            releaseWorker.countDown();
            caller.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            assertFalse(caller.isAlive());
            futures.add(blocked.get());
            for (CompletableFuture<PerceptualScore> future : futures) {
                assertEquals(unbatched(pair).lpips(), future.get(WAIT_S, TimeUnit.SECONDS).lpips(), 1e-6);
            }
        }
    }

    private static void awaitState(Thread thread, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (thread.getState() != state && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(state, thread.getState());
    }

    @Test
    void invalidPairsFailAloneWithAClearReason() throws Exception {
        LpipsPair good = mixedPairs().get(0);
        LpipsPair wrongLength = new LpipsPair(good.img0(), astronaut.crop(0, 0, 64, 63), false);
        RgbImage tiny = astronaut.crop(0, 0, 16, 16);
        LpipsPair tooSmall = TestImages.pair(tiny, tiny, false);
        try (MicroBatcher batcher = new MicroBatcher(model, null, 4, Duration.ofMillis(50), 16, 1,
                BatchListener.NONE)) {
            CompletableFuture<PerceptualScore> first = batcher.submit(good);
            CompletableFuture<PerceptualScore> badLength = batcher.submit(wrongLength);
            CompletableFuture<PerceptualScore> badSize = batcher.submit(tooSmall);
            CompletableFuture<PerceptualScore> second = batcher.submit(good);

            String lengthReason = failureOf(badLength).getMessage();
            assertTrue(lengthReason.contains("img1=12096") && lengthReason.contains("64x64"), lengthReason);
            Throwable sizeFailure = failureOf(badSize);
            assertInstanceOf(IllegalArgumentException.class, sizeFailure);
            assertTrue(sizeFailure.getMessage().contains("16x16 is below the minimum side 31"), sizeFailure.getMessage());

            PerceptualScore expected = unbatched(good);
            assertSameScore(expected, first.get(WAIT_S, TimeUnit.SECONDS), "first good pair");
            assertSameScore(expected, second.get(WAIT_S, TimeUnit.SECONDS), "second good pair");
        }
    }

    private static Throwable failureOf(CompletableFuture<PerceptualScore> future) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(WAIT_S, TimeUnit.SECONDS));
        return failed.getCause();
    }

    @Test
    void aFailingBatchFailsEachOfItsPairsAndTheWorkerCarriesOn() throws Exception {
        LpipsPair pair = mixedPairs().get(0);
        LpipsModel closedModel = TestModels.openOnCpu("lpips-alex");
        closedModel.close();
        try (MicroBatcher batcher = new MicroBatcher(closedModel, null, 3, Duration.ofMillis(50), 8, 1,
                BatchListener.NONE)) {
            for (int round = 0; round < 2; round++) {
                List<CompletableFuture<PerceptualScore>> batch = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    batch.add(batcher.submit(pair));
                }
                for (CompletableFuture<PerceptualScore> future : batch) {
                    Throwable failure = failureOf(future);
                    assertInstanceOf(ScoringException.class, failure);
                    assertTrue(failure.getMessage().contains("batch of 3 pair(s) of 64x64")
                            && failure.getMessage().contains("is closed"), failure.getMessage());
                }
            }
        }
    }

    @Test
    void closeScoresWhatIsWaitingRefusesNewPairsAndStopsItsThreads() throws Exception {
        LpipsPair pair = mixedPairs().get(0);
        List<CompletableFuture<PerceptualScore>> futures = new ArrayList<>();
        long threadsBefore = batcherThreads();
        MicroBatcher batcher = new MicroBatcher(model, null, 8, Duration.ofMinutes(10), 16, 2, BatchListener.NONE);
        assertEquals(threadsBefore + 2, batcherThreads(), "two workers");
        for (int i = 0; i < 3; i++) {
            futures.add(batcher.submit(pair));
        }
        batcher.close();

        double expected = unbatched(pair).lpips();
        for (CompletableFuture<PerceptualScore> future : futures) {
            assertTrue(future.isDone(), "close() returns after the waiting pairs are scored");
            assertEquals(expected, future.get().lpips(), 1e-6);
        }
        assertInstanceOf(RejectedExecutionException.class, failureOf(batcher.submit(pair)));
        // Counted against the start: a batcher of another test class may be alive in this JVM.
        assertEquals(threadsBefore, batcherThreads(), "no batcher thread left running");
    }

    private static long batcherThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("perceptwatch-lpips-batcher-"))
                .count();
    }
}
