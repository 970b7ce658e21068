package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.service.PerceptWatchService;
import dev.perceptwatch.testing.KafkaBroker;
import dev.perceptwatch.testing.SchemaRegistry;
import dev.perceptwatch.testing.SharedFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Properties;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore path of the pending store, made certain rather than left to random kills: a first instance
 * consumes and commits events whose scoring never finishes, and stops; the restarted service reads them back
 * from the input topic by the positions in the store and scores each once. The events of one partition are
 * deleted from the input meanwhile, as retention would during a long outage: they become INPUT_EXPIRED dead
 * letters that still name them.
 */
@ExtendWith({KafkaBroker.Extension.class, SchemaRegistry.class})
class PendingReplayTest {
    private static final int EVENTS = 6;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void eventsCommittedButNotPublishedAreReadBackAndScoredOnceAfterARestart(KafkaBroker kafka,
                                                                               SchemaRegistry.Server registry)
            throws Exception {
        PipelineTopics topics = PipelineTopics.create(kafka.admin(), "pending-replay");
        Settings settings = ServiceConfig.load(ServiceConfig.write(dir, kafka.bootstrapServers(), registry.url(),
                topics, Map.of("kafka.commit.interval.ms", "100")));
        AvroSerdes serdes = PerceptWatchService.registrySerdes(settings.kafka());
        byte[] reference = SharedFiles.imageBytes("ex_ref.png");
        byte[] generated = SharedFiles.imageBytes("ex_p0.png");

        try (PipelineInput input = new PipelineInput(kafka.bootstrapServers(), serdes, topics, Map.of());
             PipelineOutputs outputs = new PipelineOutputs(kafka.bootstrapServers(), serdes, topics)) {
            Map<String, RecordMetadata> sent = new LinkedHashMap<>();
            for (String id : IntStream.range(0, EVENTS).mapToObj(i -> "pending-" + i).toList()) {
                sent.put(id, input.send(TestEvents.event(id, TestEvents.inline(generated),
                        TestEvents.inline(reference), TestEvents.RECENT)).get());
            }

            List<GenerationEvent> submitted = Collections.synchronizedList(new ArrayList<>());
            EventScorer neverFinishes = (event, references) -> {
                submitted.add(event);
                return new CompletableFuture<>();
            };
            InternalErrors errors = new CountedErrors(serdes, settings.kafka().topics()).errors;
            Properties properties = PerceptWatchService.streamsProperties(settings.kafka(),
                    settings.processing().maxInFlightPerTask());
            errors.addTo(properties);
            try (KafkaStreams first = new KafkaStreams(PerceptWatchTopology.build(settings, serdes, neverFinishes,
                    ScoringListener.NONE, DriftListener.NONE, errors, Clock.systemUTC()), properties)) {
                first.start();
                awaitCommittedInputOffsets(kafka, settings.kafka().applicationId(), topics.generations(), EVENTS);
                assertEquals(EVENTS, submitted.size());
            }
            outputs.readToEnd(Duration.ofSeconds(30));
            assertEquals(0, outputs.scores().size() + outputs.deadLetters().size(), "nothing was published");

            TopicPartition deletedPartition = partitionOf(sent.values().iterator().next());
            Set<String> deleted = sent.entrySet().stream()
                    .filter(e -> partitionOf(e.getValue()).equals(deletedPartition)).map(Map.Entry::getKey)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> kept = new TreeSet<>(sent.keySet());
            kept.removeAll(deleted);
            assertFalse(kept.isEmpty(), "the event ids spread over more than one partition");
            long end = sent.values().stream().filter(m -> partitionOf(m).equals(deletedPartition))
                    .mapToLong(RecordMetadata::offset).max().orElseThrow() + 1;
            kafka.admin().deleteRecords(Map.of(deletedPartition, RecordsToDelete.beforeOffset(end))).all().get();

            try (PerceptWatchService restarted = PerceptWatchService.start(settings)) {
                assertTrue(outputs.awaitResults(sent.keySet(), TIMEOUT), () -> "results " + outputs.counts());
            }
            outputs.readToEnd(Duration.ofSeconds(30));

            outputs.assertExactlyOnce(sent.keySet());
            assertEquals(kept, outputs.scores().stream().map(QualityScore::getEventId)
                    .collect(Collectors.toCollection(TreeSet::new)));
            assertEquals(deleted, outputs.deadLetters().stream().map(PipelineOutputs::eventIdOf)
                    .collect(Collectors.toCollection(TreeSet::new)));
            for (DeadLetter letter : outputs.deadLetters()) {
                assertEquals(RejectReason.INPUT_EXPIRED.name(), letter.getReason());
                assertEquals(deletedPartition.partition(), letter.getSourcePartition());
                assertEquals(sent.get(PipelineOutputs.eventIdOf(letter)).offset(), letter.getSourceOffset());
                assertNull(letter.getOriginalValue(), "the bytes are gone");
            }
        }
    }

    private static TopicPartition partitionOf(RecordMetadata metadata) {
        return new TopicPartition(metadata.topic(), metadata.partition());
    }

    private static void awaitCommittedInputOffsets(KafkaBroker kafka, String groupId, String topic, long events)
            throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long committed = 0;
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, OffsetAndMetadata> offsets = kafka.admin().listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get();
            committed = offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
                    .mapToLong(e -> e.getValue().offset()).sum();
            if (committed >= events) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the first instance committed " + committed + " of " + events + " input offsets");
    }
}
