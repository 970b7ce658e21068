package dev.perceptwatch.console;

import java.util.function.LongSupplier;

/**
 * The CPU the console may take (answering requests, even from its image cache, and making pictures: read,
 * decode, score, spatial map, encode), so that pages loaded in a loop cannot take more than a small share of
 * the machine from the stream: a bucket of CPU time that refills at {@code share} cores and holds at most
 * {@code burstNanos}, so that one page is made at full speed and a loop of them at the budget's pace. Work
 * waits while the bucket is in debt, then charges the CPU time its thread took. The bounded spatial-map queue
 * limits how much runs at once; this limits how much runs over time.
 */
final class CpuBudget {
    private final double share;
    private final long burstNanos;
    private final LongSupplier clock;
    private final LongSupplier threadCpu;
    /** Whether this thread is already charged, so that work nested in a request is not charged twice. */
    private final ThreadLocal<Boolean> charging = ThreadLocal.withInitial(() -> false);
    private double available;
    private long updated;
    private long counter;

    /**
     * @param share     the cores' worth of CPU the console may take on average, e.g. 0.08
     * @param threadCpu the calling thread's CPU time in nanoseconds
     */
    CpuBudget(double share, long burstNanos, LongSupplier clock, LongSupplier threadCpu) {
        if (!(share > 0) || burstNanos < 0) {
            throw new IllegalArgumentException("need share > 0 and burstNanos >= 0");
        }
        this.share = share;
        this.burstNanos = burstNanos;
        this.clock = clock;
        this.threadCpu = threadCpu;
        this.available = burstNanos;
        this.updated = clock.getAsLong();
    }

    /** The nanoseconds until the bucket is out of debt, 0 when it is now. */
    synchronized long nanosUntilCredit() {
        refill();
        return available >= 0 ? 0 : (long) Math.ceil(-available / share);
    }

    /** Waits until the bucket is out of debt. */
    void awaitCredit() throws InterruptedException {
        for (long wait = nanosUntilCredit(); wait > 0; wait = nanosUntilCredit()) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** Work on this thread, charged its CPU time when closed; within other spending on the thread, nothing. */
    interface Spending extends AutoCloseable {
        @Override
        void close();
    }

    /** Starts charging this thread's CPU time, until the returned spending is closed. */
    Spending spending() {
        if (charging.get()) {
            return () -> { };
        }
        charging.set(true);
        long start = threadCpu.getAsLong();
        return () -> {
            charging.set(false);
            charge(Math.max(0, threadCpu.getAsLong() - start));
        };
    }

    /**
     * Charges what a CPU counter shared by the loads (the spatial-map thread's) has grown by since the last
     * call, so that loads running at once charge it once.
     */
    synchronized void chargeCounter(long cumulativeNanos) {
        if (cumulativeNanos > counter) {
            charge(cumulativeNanos - counter);
            counter = cumulativeNanos;
        }
    }

    synchronized void charge(long cpuNanos) {
        refill();
        available -= cpuNanos;
    }

    private void refill() {
        long now = clock.getAsLong();
        available = Math.min(burstNanos, available + share * (now - updated));
        updated = now;
    }
}
