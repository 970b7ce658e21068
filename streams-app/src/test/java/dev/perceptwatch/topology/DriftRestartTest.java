package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.service.PerceptWatchService;
import dev.perceptwatch.testing.KafkaBroker;
import dev.perceptwatch.testing.SchemaRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Baselines and alert state live in state stores: a service restarted with its local state deleted restores
 * them from their changelogs and resolves the episode it had fired, without a second FIRING. Events are
 * produced to the generations topic with explicit event times and scored by the real model: light noise while
 * healthy, a heavy blur and noise while degraded ({@link DistortedVariants}).
 */
@ExtendWith({KafkaBroker.Extension.class, SchemaRegistry.class})
class DriftRestartTest {
    private static final Instant T0 = TestEvents.RECENT;
    /** Enough warm-up windows for the detectors' calibration (Student's t, WARMUP - 1 df) to pass a 0.1 shift. */
    private static final int WARMUP = 10;

    @TempDir
    Path dir;

    private final Random random = new Random(7);
    private final DistortedVariants images = new DistortedVariants();
    private int events;

    @Test
    void restoresBaselinesAndAlertStateFromTheChangelogs(KafkaBroker kafka, SchemaRegistry.Server registry)
            throws Exception {
        PipelineTopics topics = PipelineTopics.create(kafka.admin(), "drift-restart", 1);
        String generations = topics.generations();
        Settings settings = ServiceConfig.load(ServiceConfig.write(dir, kafka.bootstrapServers(), registry.url(),
                topics, Map.of(
                        "windows.size", "1m",
                        // Scores finish out of order by up to the in-flight bound (8 events, 12 s of event time here).
                        "windows.grace", "15s",
                        "drift.warmup-windows", String.valueOf(WARMUP),
                        // A short baseline needs lower z thresholds than the shipped ones (see WindowDriftStagesTest)
                        "drift.lpips.effect-size-z", "4",
                        "drift.lpips.critical-z", "6",
                        "drift.resolve-after-windows", "2")));
        AvroSerdes serdes = PerceptWatchService.registrySerdes(settings.kafka());

        try (KafkaProducer<String, GenerationEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), serdes.valueSerde(GenerationEvent.class).serializer());
             KafkaConsumer<String, DriftAlert> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "alerts-reader",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                     new StringDeserializer(), serdes.valueSerde(DriftAlert.class).deserializer())) {
            consumer.subscribe(List.of(topics.alerts()));

            DriftAlert fired;
            try (PerceptWatchService service = PerceptWatchService.start(settings)) {
                for (int minute = 0; minute < WARMUP; minute++) {
                    window(producer, generations, minute, false);
                }
                window(producer, generations, WARMUP, true);
                window(producer, generations, WARMUP + 1, true);
                List<DriftAlert> first = readAlerts(consumer, 1);
                fired = first.get(0);
                assertEquals(AlertState.FIRING, fired.getState());
            }
            deleteRecursively(ServiceConfig.stateDir(dir));

            try (PerceptWatchService service = PerceptWatchService.start(settings)) {
                // A shift this large takes the detector's cumulative statistic longer to clear than a small one.
                for (int minute = WARMUP + 2; minute < WARMUP + 14; minute++) {
                    window(producer, generations, minute, false);
                }
                List<DriftAlert> after = readAlerts(consumer, 1);
                assertEquals(AlertState.RESOLVED, after.get(0).getState(),
                        "a lost state would have warmed up a new baseline instead of resolving");
                assertEquals(fired.getAlertId(), after.get(0).getAlertId());
            }
        }
    }

    /** 40 events in minute {@code minute}, the variants drawn at random; the next windows' events close it. */
    private void window(KafkaProducer<String, GenerationEvent> producer, String topic, int minute, boolean degraded) {
        Instant start = T0.plus(Duration.ofMinutes(minute));
        for (int i = 0; i < 40; i++) {
            Instant at = start.plusMillis(i * 1500L);
            String id = "event-" + events++;
            GenerationEvent event = TestEvents.event(id,
                    TestEvents.inline(images.generated(degraded, random.nextInt(DistortedVariants.COUNT))),
                    TestEvents.inline(images.reference), at);
            producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), id, event));
        }
        producer.flush();
    }

    /** The next LPIPS alerts: the heavy degradation moves every metric, and each has its own episode. */
    private static List<DriftAlert> readAlerts(KafkaConsumer<String, DriftAlert> consumer, int expected) {
        List<DriftAlert> read = new ArrayList<>();
        List<String> others = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (read.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                if (record.value().getMetric().equals("lpips")) {
                    read.add(record.value());
                } else {
                    others.add(record.value().getMetric() + " " + record.value().getState());
                }
            });
        }
        assertEquals(expected, read.size(), "LPIPS alerts read: " + read + "; other metrics' alerts: " + others);
        return read;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
