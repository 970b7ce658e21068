package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.fail;

import dev.perceptwatch.bench.CommittedReads;
import dev.perceptwatch.client.PerceptWatchPublisher;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.QualityScore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Everything the service published on the scores and dead-letter topics, read from the beginning with
 * {@code isolation.level=read_committed}: what a downstream consumer sees, aborted transactions excluded.
 * A result's event id is the score's {@code event_id} or the dead letter's original record key (test inputs
 * are keyed by event id, see {@link PipelineInput}).
 */
final class PipelineOutputs implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final PipelineTopics topics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Admin admin;
    private final Deserializer<QualityScore> scoreReader;
    private final Deserializer<DeadLetter> letterReader;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final List<QualityScore> scores = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();

    PipelineOutputs(String bootstrapServers, AvroSerdes serdes, PipelineTopics topics) {
        this.topics = topics;
        this.consumer = CommittedReads.fromBeginning(bootstrapServers, List.of(topics.scores(), topics.deadLetters()),
                Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PerceptWatchPublisher.MAX_RECORD_BYTES));
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.scoreReader = serdes.valueSerde(QualityScore.class).deserializer();
        this.letterReader = serdes.valueSerde(DeadLetter.class).deserializer();
        partitions.addAll(consumer.assignment());
    }

    List<QualityScore> scores() {
        return scores;
    }

    List<DeadLetter> deadLetters() {
        return deadLetters;
    }

    static String eventIdOf(DeadLetter letter) {
        ByteBuffer key = letter.getOriginalKey().duplicate();
        byte[] bytes = new byte[key.remaining()];
        key.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Reads until each of {@code ids} has a result, or the timeout passes; true when they all have. */
    boolean awaitResults(Collection<String> ids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> missing = new TreeSet<>(ids);
        missing.removeAll(counts().keySet());
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            for (String id : poll()) {
                missing.remove(id);
            }
        }
        return missing.isEmpty();
    }

    /** Reads what is there now; returns the number of results read so far. */
    int readAvailable() {
        poll();
        return scores.size() + deadLetters.size();
    }

    /**
     * Reads everything published so far, once no transaction on the output topics is open (their last stable
     * offset has reached the end), so that nothing committed later can be missed. For a stopped service.
     */
    void readToEnd(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> end = TopicOffsets.stableEnd(admin, partitions, deadline);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                fail("could not read to the end of " + end + " in " + timeout + "; at "
                        + partitions.stream().collect(Collectors.toMap(p -> p, consumer::position)));
            }
            poll();
        }
    }

    private List<String> poll() {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            if (record.topic().equals(topics.scores())) {
                QualityScore score = scoreReader.deserialize(record.topic(), record.value());
                scores.add(score);
                ids.add(score.getEventId());
            } else {
                DeadLetter letter = letterReader.deserialize(record.topic(), record.value());
                deadLetters.add(letter);
                ids.add(eventIdOf(letter));
            }
        }
        return ids;
    }

    /** How many results each event id has, scores and dead letters together. */
    Map<String, Integer> counts() {
        Map<String, Integer> counts = new TreeMap<>();
        Stream.concat(scores.stream().map(QualityScore::getEventId), deadLetters.stream().map(PipelineOutputs::eventIdOf))
                .forEach(id -> counts.merge(id, 1, Integer::sum));
        return counts;
    }

    /** Fails unless each of {@code ids}, and nothing else, has exactly one result. */
    void assertExactlyOnce(Collection<String> ids) {
        Map<String, Integer> counts = counts();
        Set<String> missing = new TreeSet<>(ids);
        missing.removeAll(counts.keySet());
        Map<String, Integer> duplicated = new TreeMap<>(counts);
        duplicated.values().removeIf(count -> count == 1);
        Set<String> unexpected = new TreeSet<>(counts.keySet());
        unexpected.removeAll(ids);
        if (!missing.isEmpty() || !duplicated.isEmpty() || !unexpected.isEmpty()) {
            fail(String.format("not exactly once: %d events, %d scores, %d dead letters; %d missing %s;"
                            + " %d duplicated %s; %d unexpected %s", ids.size(), scores.size(), deadLetters.size(),
                    missing.size(), first(missing), duplicated.size(), first(duplicated.keySet()),
                    unexpected.size(), first(unexpected)));
        }
    }

    private static List<String> first(Collection<String> ids) {
        return ids.stream().limit(20).toList();
    }

    @Override
    public void close() {
        consumer.close();
        admin.close();
    }
}
