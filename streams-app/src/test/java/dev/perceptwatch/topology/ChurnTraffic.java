package dev.perceptwatch.topology;

import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;

/**
 * The churn test's input: one event per model per round, 64x64 pairs, for as many models as the generations
 * topic has partitions. Each model has its own generations partition and, by the hash of its key, its own
 * partition of the windows' input (which has as many). So one model's scores come from one scoring task, in input order give or take the
 * in-flight bound, and no other model's scores move its windows' stream time: a task held up by a fail-over
 * makes none of its events late, and every closed window must count exactly its model's scored events.
 *
 * <p>Event time advances by {@link #STEP} per round, whatever the wall clock does, so that windows of a few
 * seconds of {@code produced_at} hold the same number of events however slowly the stream moves. Every window
 * of a healthy model holds the same images (generated = the reference with light noise, in
 * {@value DistortedVariants#COUNT} variants, one in 20 events bad): its statistics repeat, and only a degradation can breach.
 * The drifting model can be degraded while the stream flows: a heavy blur plus heavy noise, which every
 * metric sees (LPIPS several times its healthy value), so that detection does not hinge on detector tuning.
 */
final class ChurnTraffic {
    static final String VERSION = "v1";
    /** Event time between a model's consecutive events. */
    static final Duration STEP = Duration.ofMillis(100);
    private static final int BAD_EVERY = 20;
    private static final Instant T0 = TestEvents.RECENT;

    /** A record handed to the producer, with its model and event time. */
    record Sent(MixedTraffic.Input input, String modelId, Instant producedAt, Future<RecordMetadata> ack) {
    }

    private final PipelineInput input;
    private final List<String> models;
    private final DistortedVariants images = new DistortedVariants();
    private final MixedTraffic.BadInputs bad;
    private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean degrading;
    private final AtomicInteger rounds = new AtomicInteger();

    ChurnTraffic(PipelineInput input, int partitions) {
        this.input = input;
        this.models = modelsOnDistinctPartitions(partitions);
        this.bad = new MixedTraffic.BadInputs(input);
    }

    /**
     * Model ids whose score keys hash to distinct partitions of a topic of {@code partitions} partitions (the
     * scores topic and the windows' input), by the producer's default partitioner, which the service's sinks use.
     */
    private static List<String> modelsOnDistinctPartitions(int partitions) {
        List<String> chosen = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; chosen.size() < partitions; i++) {
            String model = "model-" + i;
            byte[] key = ModelKey.of(model, VERSION).getBytes(StandardCharsets.UTF_8);
            if (taken.add(Utils.toPositive(Utils.murmur2(key)) % partitions)) {
                chosen.add(model);
            }
        }
        return List.copyOf(chosen);
    }


    List<String> models() {
        return models;
    }

    String drifting() {
        return models.get(0);
    }

    /**
     * Degrades the drifting model's generated images from the next round on, or ends the degradation; returns
     * about where in event time it starts (the round in progress may still have the former images).
     */
    Instant degrade(boolean on) {
        degrading = on;
        return T0.plus(STEP.multipliedBy(rounds.get()));
    }

    /** Sends a round every {@code roundMillis} until {@code stop} says so, then flushes. */
    void produce(BooleanSupplier stop, long roundMillis) {
        try {
            while (!stop.getAsBoolean()) {
                round();
                input.flush();
                Thread.sleep(roundMillis);
            }
            input.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        }
    }

    private void round() {
        int k = rounds.getAndIncrement();
        Instant producedAt = T0.plus(STEP.multipliedBy(k));
        for (int partition = 0; partition < models.size(); partition++) {
            String model = models.get(partition);
            String id = String.format("%s-%05d", model, k);
            byte[] generated = images.generated(degrading && model.equals(drifting()), k);
            ImageSource image = TestEvents.inline(generated);
            ImageSource ref = k % 3 == 0 ? TestEvents.inline(images.reference) : TestEvents.referenceId(MixedTraffic.REFERENCE_ID);
            BiFunction<ImageSource, ImageSource, GenerationEvent> event = (g, r) -> GenerationEvent.newBuilder(
                    TestEvents.event(id, g, r, producedAt)).setModelId(model).setModelVersion(VERSION).build();
            MixedTraffic.Input record = k % BAD_EVERY != BAD_EVERY - 1
                    ? new MixedTraffic.Input(id, input.avro(event.apply(image, ref)), null)
                    : bad.input(id, k / BAD_EVERY, event, image, ref);
            sent.add(new Sent(record, model, producedAt, input.sendRaw(id, record.value(), partition)));
        }
    }

    /** Everything handed to the producer so far. */
    List<Sent> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    int produced() {
        return sent.size();
    }

    /** Whether the event must count in its window: scored, or dead-lettered once its model is known. */
    static boolean scored(Sent event) {
        return event.input().expectedReason() == null;
    }

    static boolean countedAsError(Sent event) {
        String reason = event.input().expectedReason();
        return reason != null && !reason.equals("BAD_SCHEMA");
    }

    static Instant windowStart(Instant at, Duration size) {
        return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), size.toMillis()) * size.toMillis());
    }
}
