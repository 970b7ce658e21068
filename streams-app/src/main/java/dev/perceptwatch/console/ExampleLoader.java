package dev.perceptwatch.console;

import dev.perceptwatch.console.Example.Location;
import dev.perceptwatch.console.Example.Picture;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.imaging.Heatmap;
import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.ImagePair;
import dev.perceptwatch.imaging.ImageRejectedException;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.imaging.SizePolicy;
import dev.perceptwatch.ingest.ImageFetcher;
import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.ingest.RejectedEventException;
import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.scoring.PairScores;
import dev.perceptwatch.scoring.PerceptualScore;
import dev.perceptwatch.scoring.SpatialMaps;
import dev.perceptwatch.scoring.classic.ClassicMetrics;
import dev.perceptwatch.scoring.classic.ClassicScores;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Loads an example's pictures: the event read back by position (or, when it is gone, its images through the
 * uris the window kept), the images resolved within the uri policy and decoded within the image limits, the
 * classic scores and the LPIPS spatial map computed with the service's own code and model. Loads of one
 * example at once share one load; finished examples are cached.
 */
final class ExampleLoader implements AutoCloseable {

    private final GenerationReader reader;
    private final ImageFetcher fetcher;
    private final Function<String, ReferenceImage> references;
    private final SpatialMaps spatialMaps;
    private final ImageLimits limits;
    private final SizePolicy sizePolicy;
    private final Duration timeout;
    private final ImageCache cache;
    private final CpuBudget budget;
    private final ConcurrentHashMap<String, CompletableFuture<Example>> loading = new ConcurrentHashMap<>();

    /** @param references a reference image by id, or null when there is none (or it cannot be read now) */
    ExampleLoader(GenerationReader reader, ImageFetcher fetcher, Function<String, ReferenceImage> references,
                  SpatialMaps spatialMaps, ImageLimits limits, SizePolicy sizePolicy, Duration timeout,
                  ImageCache cache, CpuBudget budget) {
        this.reader = reader;
        this.fetcher = fetcher;
        this.references = references;
        this.spatialMaps = spatialMaps;
        this.limits = limits.atLeast(spatialMaps.minInputSide());
        this.sizePolicy = sizePolicy;
        this.timeout = timeout;
        this.cache = cache;
        this.budget = budget;
    }

    /** The cached example, or null. */
    Example cached(Location location) {
        return cache.get(location.key());
    }

    Example load(Location location) {
        Example cached = cache.get(location.key());
        if (cached != null) {
            return cached;
        }
        CompletableFuture<Example> mine = new CompletableFuture<>();
        CompletableFuture<Example> running = loading.putIfAbsent(location.key(), mine);
        if (running != null) {
            return running.join();
        }
        try {
            Example example = withinBudget(location);
            if (!example.retryable()) {
                cache.put(location.key(), example);
            }
            mine.complete(example);
            return example;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(location.key(), mine);
        }
    }

    /** Waits for the CPU budget, then loads and charges this thread's CPU time (the map's is charged apart). */
    private Example withinBudget(Location location) {
        try {
            budget.awaitCredit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Example(location, null, null, null, null, null,
                    List.of("Interrupted while waiting for the console's CPU budget; reload the page."), true);
        }
        try (CpuBudget.Spending spending = budget.spending()) {
            return loadNow(location);
        }
    }

    private Example loadNow(Location location) {
        List<String> problems = new ArrayList<>();
        boolean retryable = false;
        GenerationEvent event = null;
        ImageSource generatedSource = location.generatedUri() == null ? null : uri(location.generatedUri());
        ImageSource referenceSource = location.referenceUri() != null ? uri(location.referenceUri())
                : location.referenceId() != null ? ImageSource.newBuilder().setReferenceId(location.referenceId()).build()
                : null;
        if (location.hasPosition()) {
            GenerationReader.Read read = reader.read(location.topic(), location.partition(), location.offset());
            if (read.event() != null) {
                event = read.event();
                generatedSource = event.getGenerated();
                referenceSource = event.getReference();
            } else {
                problems.add(read.sentence());
                retryable = read.status() == GenerationReader.Status.UNAVAILABLE;
                if (generatedSource != null && referenceSource != null) {
                    problems.add("The images are read through the uris the window kept instead.");
                }
            }
        } else {
            problems.add("No position was recorded for this event (a score from before positions were recorded).");
        }
        if (generatedSource == null || referenceSource == null) {
            return new Example(location, event, null, null, null, null, problems, retryable);
        }
        String id = event != null ? event.getEventId() : location.eventId();
        Side generated = side(generatedSource, "event " + id + " generated", problems);
        Side reference = side(referenceSource, "event " + id + " reference", problems);
        retryable |= generated.retryable() || reference.retryable();
        if (generated.image() == null || reference.image() == null) {
            return new Example(location, event, generated.picture(), reference.picture(), null, null, problems,
                    retryable);
        }
        ImagePair pair;
        try {
            pair = ImagePair.align(generated.image(), reference.image(), sizePolicy, "event " + id);
        } catch (ImageRejectedException e) {
            problems.add(e.getMessage() + ".");
            return new Example(location, event, generated.picture(), reference.picture(), null, null, problems,
                    retryable);
        }
        ClassicScores classic = ClassicMetrics.compute(pair.generated(), pair.reference(),
                Metric.classicOf(EnumSet.allOf(Metric.class)));
        Picture heatmap = null;
        PerceptualScore perceptual = null;
        try {
            perceptual = spatialMaps.submit(pair).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            RgbImage overlay = Heatmap.overlay(perceptual.spatialMap(), pair.generated());
            heatmap = new Picture(ImageEncoder.png(overlay), "image/png", overlay.width(), overlay.height());
        } catch (ExecutionException e) {
            retryable |= e.getCause() instanceof RejectedExecutionException;
            problems.add("The LPIPS spatial map was not computed: " + e.getCause().getMessage()
                    + (e.getCause() instanceof RejectedExecutionException ? "; reload the page in a moment." : "."));
        } catch (TimeoutException e) {
            retryable = true;
            problems.add("The LPIPS spatial map took longer than " + timeout.toSeconds() + " s; reload the page.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            retryable = true;
            problems.add("Interrupted while computing the LPIPS spatial map.");
        } finally {
            // The map ran on the model's thread: what that thread's CPU time grew by (once for loads at once).
            budget.chargeCounter(spatialMaps.cpuNanos());
        }
        PairScores scores = new PairScores(perceptual, classic, pair.reference().width(), pair.reference().height());
        return new Example(location, event, generated.picture(), reference.picture(), heatmap, scores, problems,
                retryable);
    }

    @Override
    public void close() {
        reader.close();
    }

    /** One image: its encoded bytes as served, and the decoded pixels for the scores. */
    private record Side(Picture picture, RgbImage image, boolean retryable) {
    }

    private Side side(ImageSource source, String name, List<String> problems) {
        byte[] bytes;
        try {
            bytes = bytes(source, name);
        } catch (RejectedEventException e) {
            problems.add(sentence(e.getMessage()));
            return new Side(null, null, e.reason() == RejectReason.FETCH_FAILED);
        }
        try {
            RgbImage image = ImageDecoder.decode(bytes, name, limits);
            return new Side(new Picture(bytes, sniff(bytes), image.width(), image.height()), image, false);
        } catch (ImageRejectedException e) {
            problems.add(sentence(e.getMessage()) + (e.reason() == RejectReason.IMAGE_TOO_LARGE
                    ? " It is not shown." : ""));
            return new Side(null, null, false);
        }
    }

    private byte[] bytes(ImageSource source, String name) throws RejectedEventException {
        if (source.getData() != null) {
            ByteBuffer data = source.getData().duplicate();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            return bytes;
        }
        if (source.getUri() != null) {
            try {
                return fetcher.fetch(source.getUri()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RejectedEventException rejected) {
                    throw new RejectedEventException(rejected.reason(), name + ": " + describe(rejected));
                }
                throw new RejectedEventException(RejectReason.FETCH_FAILED, name + ": " + cause);
            } catch (TimeoutException e) {
                throw new RejectedEventException(RejectReason.FETCH_FAILED, name + ": no answer within "
                        + timeout.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RejectedEventException(RejectReason.FETCH_FAILED, name + ": interrupted");
            }
        }
        if (source.getReferenceId() != null) {
            ReferenceImage image = references.apply(source.getReferenceId());
            if (image == null) {
                throw new RejectedEventException(RejectReason.MISSING_REFERENCE, name + ": reference_id '"
                        + source.getReferenceId() + "' is not on the references topic (or not readable now)");
            }
            ByteBuffer data = image.getData().duplicate();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            return bytes;
        }
        throw new RejectedEventException(RejectReason.BAD_EVENT, name + ": no data, uri or reference_id");
    }

    private static String describe(RejectedEventException e) {
        return (e.reason() == RejectReason.URI_FORBIDDEN ? "refused, outside the uri policy: " : "")
                + e.getMessage();
    }

    private static String sentence(String message) {
        return message.endsWith(".") ? message : message + ".";
    }

    private static ImageSource uri(String uri) {
        return ImageSource.newBuilder().setUri(uri).build();
    }

    /** The media type from the bytes themselves, never from what the producer claimed. */
    static String sniff(byte[] bytes) {
        if (bytes.length >= 8 && (bytes[0] & 0xFF) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
            return "image/png";
        }
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF) {
            return "image/jpeg";
        }
        if (bytes.length >= 12 && bytes[0] == 'R' && bytes[1] == 'I' && bytes[2] == 'F' && bytes[3] == 'F'
                && bytes[8] == 'W' && bytes[9] == 'E' && bytes[10] == 'B' && bytes[11] == 'P') {
            return "image/webp";
        }
        // Decoded as one of the three, so this is not reached; never let a browser guess.
        return "application/octet-stream";
    }
}
