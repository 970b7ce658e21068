package dev.perceptwatch.cli;

import dev.perceptwatch.client.GenerationEvents;
import dev.perceptwatch.client.PerceptWatchPublisher;
import dev.perceptwatch.commandline.SamplePairs;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.imaging.Distortions;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.imaging.RgbImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"A demo producer: events made from the sample photographs for two models, "
                + DemoCommand.DEGRADING + "/" + DemoCommand.DEGRADING_VERSION + " and " + DemoCommand.STEADY + "/"
                + DemoCommand.STEADY_VERSION + ", with a mild blur and JPEG re-encode of random strength.",
                "After --degrade-after, " + DemoCommand.DEGRADING + " degrades (heavy blur + JPEG artefacts) against its"
                        + " warmed-up baseline, so drift alerts fire.",
                "After --recover-after it is mild again and they resolve.",
                "Prints a status line every 10 s; Ctrl-C stops. Exit code 1 when any event failed."})
final class DemoCommand implements Callable<Integer> {
    static final String DEGRADING = "sdxl-faces";
    static final String DEGRADING_VERSION = "v1";
    static final String STEADY = "sd15-landscapes";
    static final String STEADY_VERSION = "v3";
    private static final long STATUS_NANOS = 10_000_000_000L;
    private static final int MAX_TILES = 64;
    private static final int ERRORS_SHOWN = 10;

    @Option(names = "--images", defaultValue = "../shared/images", description = "Photographs to cut tiles from (default ${DEFAULT-VALUE}).")
    Path images;
    @Option(names = "--tile-size", defaultValue = "128", description = "Side of the square tiles in pixels (default ${DEFAULT-VALUE}).")
    int tileSize;
    @Option(names = "--rate", defaultValue = "20", paramLabel = "EVENTS_PER_SECOND", description = "Events per second over both models (default ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--degrade-after", defaultValue = "4m", converter = DurationConverter.class, paramLabel = "D",
            description = "When " + DEGRADING + " degrades (default ${DEFAULT-VALUE}).")
    Duration degradeAfter;
    @Option(names = "--recover-after", defaultValue = "7m", converter = DurationConverter.class, paramLabel = "D",
            description = "When it recovers (default ${DEFAULT-VALUE}).")
    Duration recoverAfter;
    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "D", description = "Stop after D (default: until Ctrl-C).")
    Duration duration;
    @Mixin
    GenerationsTarget target;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    enum Phase { baseline, degraded, recovered }

    private record Tile(RgbImage image, byte[] png) {
    }

    private record Generated(byte[] png, String distortion) {
    }

    private final Random random = new Random();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean stopping;

    @Override
    public Integer call() throws InterruptedException {
        if (rate <= 0) {
            throw new IllegalArgumentException("--rate must be positive, got " + rate);
        }
        if (recoverAfter.compareTo(degradeAfter) <= 0) {
            throw new IllegalArgumentException("--recover-after (" + recoverAfter + ") must come after --degrade-after ("
                    + degradeAfter + ")");
        }
        target.requireReachable();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Tile> tiles = SamplePairs.cleanTiles(images, tileSize, MAX_TILES).stream()
                .map(image -> new Tile(image, ImageEncoder.png(image))).toList();
        out.printf(Locale.ROOT, "demo: %d tiles of %dx%d from %s, %.1f events/s to %s; %s/%s degrades at %s, recovers at %s%n",
                tiles.size(), tileSize, tileSize, images, rate, target.topic(), DEGRADING, DEGRADING_VERSION,
                text(degradeAfter), text(recoverAfter));
        out.flush();
        CountDownLatch finished = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            stopping = true;
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "perceptwatch-demo-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try (PerceptWatchPublisher publisher = target.open()) {
            produce(publisher, tiles, out, err);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // Ctrl-C: the JVM is shutting down and the hook waits for this.
            }
        }
        out.printf("demo: done, %d events sent, %d failed%n", sent.get(), failed.get());
        out.flush();
        return failed.get() > 0 ? 1 : 0;
    }

    private void produce(PerceptWatchPublisher publisher, List<Tile> tiles, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        long start = System.nanoTime();
        long nextStatus = start + STATUS_NANOS;
        Phase announced = Phase.baseline;
        for (long i = 0; !stopping; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long now = System.nanoTime();
            if (duration != null && due - start >= duration.toNanos()) {
                break;
            }
            if (due > now) {
                Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
            }
            Phase phase = phase(Duration.ofNanos(due - start));
            if (phase != announced) {
                announced = phase;
                // About the first changed event's produced_at (set when it is published, just below): the event
                // time at which the windows see the change begin.
                out.println("demo: " + DEGRADING + "/" + DEGRADING_VERSION + " is now " + phase + " from "
                        + Instant.now()
                        + (phase == Phase.degraded ? " (heavy blur + JPEG artefacts)" : " (mild distortions again)"));
                out.flush();
            }
            publish(publisher, tiles.get(random.nextInt(tiles.size())), i % 2 == 0, phase, err);
            if (System.nanoTime() >= nextStatus) {
                nextStatus += STATUS_NANOS;
                out.printf("demo: %d events sent, %d failed; %s is %s%n", sent.get(), failed.get(), DEGRADING, phase);
                out.flush();
            }
        }
        publisher.flush();
    }

    /** One event of either model (they alternate); only the degrading one changes with the phase. */
    private void publish(PerceptWatchPublisher publisher, Tile tile, boolean degrading, Phase phase, PrintWriter err) {
        Generated generated = degrading && phase == Phase.degraded ? degraded(tile.image()) : mild(tile.image());
        GenerationEvent event = GenerationEvents.inline(degrading ? DEGRADING : STEADY,
                        degrading ? DEGRADING_VERSION : STEADY_VERSION, generated.png(), tile.png())
                .setAttributes(Map.of("source", "demo", "distortion", generated.distortion(), "phase",
                        degrading ? phase.name() : Phase.baseline.name()))
                .build();
        publisher.publish(event).whenComplete((metadata, error) -> {
            if (error == null) {
                sent.incrementAndGet();
            } else if (failed.incrementAndGet() <= ERRORS_SHOWN) {
                synchronized (err) {
                    err.println("error: event " + event.getEventId() + ": " + error.getMessage()
                            + (failed.get() == ERRORS_SHOWN ? " (further errors are only counted)" : ""));
                    err.flush();
                }
            }
        });
    }

    Phase phase(Duration elapsed) {
        if (elapsed.compareTo(degradeAfter) < 0) {
            return Phase.baseline;
        }
        return elapsed.compareTo(recoverAfter) < 0 ? Phase.degraded : Phase.recovered;
    }

    /**
     * What a healthy model's output differs by: a light blur and JPEG re-encode of random strength. One
     * family, as a real model's artefacts are: mixing unrelated distortions would make the score distribution
     * multimodal and its p90 jump from window to window, which no healthy model does.
     */
    private Generated mild(RgbImage tile) {
        return blurredJpeg(tile, 0.4 + 0.4 * random.nextDouble(), 75 + random.nextInt(16));
    }

    /** A broken model's output: heavy blur, then strong JPEG artefacts. */
    private Generated degraded(RgbImage tile) {
        return blurredJpeg(tile, 2 + random.nextDouble(), 10 + random.nextInt(11));
    }

    private static Generated blurredJpeg(RgbImage tile, double sigma, int quality) {
        return new Generated(ImageEncoder.png(Distortions.jpegReencode(Distortions.gaussianBlur(tile, sigma),
                quality)), String.format(Locale.ROOT, "blur(%.2f)+jpeg(%d)", sigma, quality));
    }

    private static String text(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
