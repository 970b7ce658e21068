package dev.perceptwatch.bench;

import dev.perceptwatch.client.PerceptWatchPublisher;
import dev.perceptwatch.commandline.SamplePairs;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.topology.AvroSerdes;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends generation events with inline PNGs, cycled from the sample pairs, as a model team's producer would:
 * idempotent, keyed by event id, {@code produced_at} set at the moment of sending. The events are of model
 * {@code bench}, or of {@code bench-0} to {@code bench-(M-1)} in turn with M models (windows and drift
 * state for each).
 *
 * <p>With reference reuse R (at least 1), the references are not inline: every R events in a row name one
 * reference by id, published before them on the references topic, as a golden image named by many events.
 * Each reference is new content (its sample's PNG tagged with a serial, {@link ReusedReferences#tagged}), so it
 * is used by exactly R events, with the pixels, and so the scores, of its sample.
 */
final class BenchProducer implements AutoCloseable {
    /** The service's global thread polls the references topic continuously; ample for it on a busy machine. */
    private static final long GLOBAL_STORE_LAG_MS = 2000;

    /** A transaction may stay open this long (the broker's default maximum): a large backlog takes minutes. */
    private static final int BACKLOG_TRANSACTION_TIMEOUT_MS = 900_000;

    /** Events and when they became readable: the commit of their transaction, epoch milliseconds. */
    record Backlog(List<String> ids, long releasedAtMillis) {
    }

    private final KafkaProducer<String, GenerationEvent> producer;
    private final KafkaProducer<String, GenerationEvent> backlogs;
    private final String topic;
    private final List<SamplePairs.Sample> samples;
    private final String idPrefix;
    private final int models;
    private final KafkaProducer<String, ReferenceImage> references;
    private final String referencesTopic;
    private final int referenceReuse;
    private int sent;
    private long referencesPublished;

    BenchProducer(String bootstrap, String topic, AvroSerdes serdes, List<SamplePairs.Sample> samples,
                  String idPrefix, int models) {
        this(bootstrap, topic, serdes, samples, idPrefix, models, null, 0);
    }

    /** @param referenceReuse events per reference published by id on {@code referencesTopic}; 0: inline */
    BenchProducer(String bootstrap, String topic, AvroSerdes serdes, List<SamplePairs.Sample> samples,
                  String idPrefix, int models, String referencesTopic, int referenceReuse) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, PerceptWatchPublisher.MAX_RECORD_BYTES);
        this.producer = new KafkaProducer<>(config, new StringSerializer(),
                serdes.valueSerde(GenerationEvent.class).serializer());
        Map<String, Object> transactional = new HashMap<>(config);
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, idPrefix + "-backlog-" + UUID.randomUUID());
        transactional.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, BACKLOG_TRANSACTION_TIMEOUT_MS);
        this.backlogs = new KafkaProducer<>(transactional, new StringSerializer(),
                serdes.valueSerde(GenerationEvent.class).serializer());
        backlogs.initTransactions();
        this.references = referenceReuse == 0 ? null : new KafkaProducer<>(config, new StringSerializer(),
                serdes.valueSerde(ReferenceImage.class).serializer());
        this.topic = topic;
        this.samples = samples;
        this.idPrefix = idPrefix;
        this.models = models;
        this.referencesTopic = referencesTopic;
        this.referenceReuse = referenceReuse;
    }

    /**
     * Publishes the references of the next {@code count} events not published yet, and waits for the broker's
     * acknowledgements and then {@link #GLOBAL_STORE_LAG_MS} for the service's global store to read them, so
     * that no event names a reference the service has not seen yet (it would be dead-lettered).
     */
    void publishReferences(int count) throws InterruptedException, ExecutionException {
        if (references == null) {
            return;
        }
        long last = (sent + count - 1L) / referenceReuse;
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (; referencesPublished <= last; referencesPublished++) {
            long serial = referencesPublished;
            byte[] png = ReusedReferences.tagged(sampleOf(serial * referenceReuse).reference(), serial);
            ReferenceImage reference = ReferenceImage.newBuilder().setReferenceId(referenceId(serial))
                    .setData(ByteBuffer.wrap(png)).setMediaType("image/png").setUpdatedAt(Instant.now()).build();
            acks.add(references.send(new ProducerRecord<>(referencesTopic, reference.getReferenceId(), reference)));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get();
        }
        if (!acks.isEmpty()) {
            Thread.sleep(GLOBAL_STORE_LAG_MS);
        }
    }

    private String referenceId(long serial) {
        return idPrefix + "-reference-" + serial;
    }

    /** Event {@code index}'s sample; with reuse, every event of a reference has that reference's sample. */
    private SamplePairs.Sample sampleOf(long index) {
        long slot = referenceReuse == 0 ? index : index / referenceReuse;
        return samples.get((int) (slot % samples.size()));
    }

    /**
     * Sends {@code count} events, at {@code perSecond} events a second or as fast as the producer takes them when
     * it is 0, and waits until the broker has acknowledged them all; returns their ids in sending order.
     */
    List<String> send(int count, double perSecond) throws InterruptedException, ExecutionException {
        return send(producer, count, perSecond);
    }

    /**
     * Sends {@code count} events as one transaction, and commits it once the broker has them all: the service
     * reads {@code read_committed} (exactly-once), so it sees none of them before the commit and then all of
     * them at once, a backlog, without being paused. The producer's work is done before the service's starts.
     */
    Backlog sendBacklog(int count) throws InterruptedException, ExecutionException {
        backlogs.beginTransaction();
        List<String> ids;
        try {
            ids = send(backlogs, count, 0);
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            backlogs.abortTransaction();
            throw e;
        }
        long released = System.currentTimeMillis();
        backlogs.commitTransaction();
        return new Backlog(ids, released);
    }

    private List<String> send(KafkaProducer<String, GenerationEvent> through, int count, double perSecond)
            throws InterruptedException, ExecutionException {
        publishReferences(count);
        List<String> ids = new ArrayList<>(count);
        List<Future<RecordMetadata>> acks = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (perSecond > 0) {
                long due = start + (long) (i * 1e9 / perSecond);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
            }
            SamplePairs.Sample sample = sampleOf(sent);
            ImageSource reference = references == null ? inline(sample.reference())
                    : ImageSource.newBuilder().setReferenceId(referenceId(sent / referenceReuse)).build();
            String model = models == 1 ? "bench" : "bench-" + sent % models;
            String id = idPrefix + "-" + sent++;
            acks.add(through.send(new ProducerRecord<>(topic, id, event(id, model, sample, reference))));
            ids.add(id);
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get();
        }
        return ids;
    }

    private static GenerationEvent event(String id, String model, SamplePairs.Sample sample, ImageSource reference) {
        return GenerationEvent.newBuilder()
                .setEventId(id)
                .setModelId(model)
                .setModelVersion("v1")
                .setProducedAt(Instant.now())
                .setAttributes(Map.of("distortion", sample.distortion()))
                .setGenerated(inline(sample.generated()))
                .setReference(reference)
                .build();
    }

    private static ImageSource inline(byte[] png) {
        return ImageSource.newBuilder().setData(ByteBuffer.wrap(png)).setMediaType("image/png").build();
    }

    @Override
    public void close() {
        producer.close();
        backlogs.close();
        if (references != null) {
            references.close();
        }
    }
}
