package dev.perceptwatch.bench;

import dev.perceptwatch.config.Topics;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.topology.AvroSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the scores and dead letters of a benchmark run as a downstream consumer would (read_committed, so only
 * what the service's transactions committed), on its own thread, and notes when each event's result became
 * readable.
 */
final class ScoreCollector implements AutoCloseable {

    /** An event's result: when it was produced (from the score) and when it was read, epoch milliseconds. */
    record Arrival(long producedAtMillis, long readAtMillis) {
        long latencyMillis() {
            return readAtMillis - producedAtMillis;
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topics topics;
    private final Deserializer<QualityScore> scores;
    private final Deserializer<DeadLetter> deadLetters;
    private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
    private final List<String> deadLetterLines = new ArrayList<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    /** The events {@link #await} waits for and how many of them still have no score; guarded by {@code this}. */
    private Set<String> awaited = Set.of();
    private int awaitedWithoutScore;
    private final Thread thread;
    private volatile RuntimeException failure;

    ScoreCollector(String bootstrap, Topics topics, AvroSerdes serdes) {
        this.topics = topics;
        this.scores = serdes.valueSerde(QualityScore.class).deserializer();
        this.deadLetters = serdes.valueSerde(DeadLetter.class).deserializer();
        this.consumer = CommittedReads.fromBeginning(bootstrap, List.of(topics.scores(), topics.deadLetters()));
        this.thread = new Thread(this::consume, "perceptwatch-bench-scores");
        thread.setDaemon(true);
        thread.start();
    }

    private void consume() {
        try {
            while (true) {
                var records = consumer.poll(Duration.ofMillis(100));
                long readAt = System.currentTimeMillis();
                for (ConsumerRecord<String, byte[]> record : records) {
                    if (record.topic().equals(topics.scores())) {
                        QualityScore score = scores.deserialize(record.topic(), record.value());
                        arrive(score.getEventId(), new Arrival(score.getProducedAt().toEpochMilli(), readAt));
                    } else {
                        DeadLetter letter = deadLetters.deserialize(record.topic(), record.value());
                        synchronized (deadLetterLines) {
                            deadLetterLines.add(letter.getEventId() + " " + letter.getReason() + ": "
                                    + letter.getMessage());
                        }
                    }
                }
            }
        } catch (WakeupException closing) {
            // close() asked the loop to end
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private synchronized void arrive(String eventId, Arrival arrival) {
        if (arrivals.putIfAbsent(eventId, arrival) != null) {
            duplicates.incrementAndGet();
        } else if (awaited.contains(eventId)) {
            awaitedWithoutScore--;
            notifyAll();
        }
    }

    /**
     * Waits until every event of {@code eventIds} has a score; fails when a dead letter arrives for one of them, or
     * when {@code stall} passes with no new score (events lost, or the service stuck).
     */
    Map<String, Arrival> await(Collection<String> eventIds, Duration stall)
            throws InterruptedException, TimeoutException {
        // Counted as the scores arrive rather than by rescanning the ids: the benchmark's own CPU comes off the
        // service it measures, and a 20000-event backlog rescanned 50 times a second took 0.08 cores.
        Set<String> ids = Set.copyOf(eventIds);
        synchronized (this) {
            awaited = ids;
            awaitedWithoutScore = (int) withoutScore(ids).count();
        }
        try {
            int seen = -1;
            long lastProgress = System.nanoTime();
            while (true) {
                if (failure != null) {
                    throw new IllegalStateException("reading the scores failed: " + failure.getMessage(), failure);
                }
                List<String> letters = deadLetters();
                if (!letters.isEmpty()) {
                    throw new IllegalStateException(letters.size() + " dead letters, expected none; first: "
                            + letters.get(0));
                }
                int left;
                synchronized (this) {
                    left = awaitedWithoutScore;
                    if (left > 0 && left == seen) {
                        wait(200);
                        left = awaitedWithoutScore;
                    }
                }
                if (left == 0) {
                    return ids.stream().collect(Collectors.toMap(id -> id, arrivals::get));
                }
                if (left != seen) {
                    seen = left;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > stall.toNanos()) {
                    List<String> missing = withoutScore(ids).sorted().limit(5).toList();
                    throw new TimeoutException(left + " of " + ids.size() + " events have no score after "
                            + stall.toSeconds() + " s without progress (first missing: " + missing + ")");
                }
            }
        } finally {
            synchronized (this) {
                awaited = Set.of();
            }
        }
    }

    private Stream<String> withoutScore(Set<String> ids) {
        return ids.stream().filter(id -> !arrivals.containsKey(id));
    }

    /** The event's result so far, or null. */
    Arrival arrival(String eventId) {
        return arrivals.get(eventId);
    }

    List<String> deadLetters() {
        synchronized (deadLetterLines) {
            return List.copyOf(deadLetterLines);
        }
    }

    /** Distinct events with a score. */
    int scored() {
        return arrivals.size();
    }

    /** Scores read for an event that already had one: zero under exactly-once. */
    int duplicates() {
        return duplicates.get();
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join();
    }
}
