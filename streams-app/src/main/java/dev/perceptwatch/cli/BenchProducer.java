package dev.perceptwatch.cli;

import dev.perceptwatch.client.PerceptWatchPublisher;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.topology.AvroSerdes;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 */
final class BenchProducer implements AutoCloseable {
    private final KafkaProducer<String, GenerationEvent> producer;
    private final String topic;
    private final List<SamplePairs.Sample> samples;
    private final String idPrefix;
    private final int models;
    private int sent;

    BenchProducer(String bootstrap, String topic, AvroSerdes serdes, List<SamplePairs.Sample> samples,
                  String idPrefix, int models) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, PerceptWatchPublisher.MAX_RECORD_BYTES),
                new StringSerializer(), serdes.valueSerde(GenerationEvent.class).serializer());
        this.topic = topic;
        this.samples = samples;
        this.idPrefix = idPrefix;
        this.models = models;
    }

    /**
     * Sends {@code count} events, at {@code perSecond} events a second or as fast as the producer takes them when
     * it is 0, and waits until the broker has acknowledged them all; returns their ids in sending order.
     */
    List<String> send(int count, double perSecond) throws InterruptedException, ExecutionException {
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
            SamplePairs.Sample sample = samples.get(sent % samples.size());
            String model = models == 1 ? "bench" : "bench-" + sent % models;
            String id = idPrefix + "-" + sent++;
            acks.add(producer.send(new ProducerRecord<>(topic, id, event(id, model, sample))));
            ids.add(id);
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get();
        }
        return ids;
    }

    private static GenerationEvent event(String id, String model, SamplePairs.Sample sample) {
        return GenerationEvent.newBuilder()
                .setEventId(id)
                .setModelId(model)
                .setModelVersion("v1")
                .setProducedAt(Instant.now())
                .setAttributes(Map.of("distortion", sample.distortion()))
                .setGenerated(inline(sample.generated()))
                .setReference(inline(sample.reference()))
                .build();
    }

    private static ImageSource inline(byte[] png) {
        return ImageSource.newBuilder().setData(ByteBuffer.wrap(png)).setMediaType("image/png").build();
    }

    @Override
    public void close() {
        producer.close();
    }
}
