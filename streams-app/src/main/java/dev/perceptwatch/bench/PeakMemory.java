package dev.perceptwatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This JVM's peak memory: used heap and heap left after the last collection, sampled every second (so a peak
 * between two samples is missed), and the kernel's resident-set high-water mark, which misses nothing but covers
 * the whole process.
 */
final class PeakMemory implements AutoCloseable {
    private final AtomicLong peakHeapBytes = new AtomicLong();
    private final AtomicLong peakLiveHeapBytes = new AtomicLong();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "perceptwatch-bench-memory");
        thread.setDaemon(true);
        return thread;
    });

    PeakMemory() {
        sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    private void sample() {
        peakHeapBytes.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        // What the last collection left in each heap pool: the live set, which says whether memory stays bounded
        // (used heap alone mostly says how lazily the collector runs with a large maximum heap).
        long live = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null)
                .mapToLong(pool -> pool.getCollectionUsage().getUsed())
                .sum();
        peakLiveHeapBytes.accumulateAndGet(live, Math::max);
    }

    double peakHeapMegabytes() {
        return peakHeapBytes.get() / (1024.0 * 1024.0);
    }

    double peakHeapAfterGcMegabytes() {
        return peakLiveHeapBytes.get() / (1024.0 * 1024.0);
    }

    /** VmHWM of /proc/self/status (Linux), in MiB. */
    static double peakRssMegabytes() {
        Path status = Path.of("/proc/self/status");
        try {
            return Files.readAllLines(status).stream()
                    .filter(line -> line.startsWith("VmHWM:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no VmHWM in " + status));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the peak resident size from " + status, e);
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
