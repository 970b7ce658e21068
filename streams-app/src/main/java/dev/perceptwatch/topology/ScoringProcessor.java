package dev.perceptwatch.topology;

import dev.perceptwatch.client.BadRecordException;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.contract.EventContract;
import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.ingest.RejectedEventException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores generation events asynchronously, in micro-batches shared with the other stream threads, without
 * ever letting a commit cover an unscored event.
 *
 * <p>Kafka Streams commits the offset of every record handed to {@code process()}. So a record's input
 * position is first written to the changelogged pending store, and only removed from it in the same
 * transaction that publishes its score or dead letter. After a crash, the store restored from its changelog
 * holds exactly the positions whose results were not committed; {@code init()} reads those records back from
 * the input topic and submits them again: no event is lost, and since a result and the removal commit
 * together, none is counted twice. Positions rather than records, so the changelog does not carry every
 * image a second time.
 */
final class ScoringProcessor implements Processor<byte[], byte[], String, SpecificRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringProcessor.class);
    private static final Duration REPLAY_TIMEOUT = Duration.ofSeconds(60);

    private final String pendingStoreName;
    private final ReferenceLookup references;
    private final Deserializer<GenerationEvent> events;
    private final ScoringStage.Scoring scoring;

    /** In input order, so results are published in the order the events arrived where they finish together. */
    private final Map<String, InFlight> inFlight = new LinkedHashMap<>();
    /** Pending records read back after a restore, to submit again. */
    private final List<PendingRecord> restored = new ArrayList<>();
    /** Pending records the input topic no longer holds, to dead-letter. */
    private final List<PendingMark> expired = new ArrayList<>();
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, byte[]> pending;
    private DeadLetters deadLetters;

    private record InFlight(PendingRecord record, GenerationEvent event, CompletableFuture<QualityScore> score) {
    }

    ScoringProcessor(String pendingStoreName, Deserializer<GenerationEvent> events, ReferenceLookup references,
                     ScoringStage.Scoring scoring) {
        this.pendingStoreName = pendingStoreName;
        this.references = references;
        this.events = events;
        this.scoring = scoring;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.pending = context.getStateStore(pendingStoreName);
        this.deadLetters = DeadLetters.forConfig(context.appConfigs());
        references.init(context);
        // Processors are initialised after their stores are restored: what is here was read, committed, and
        // never published. Score it again.
        // Submitted again at the first process() or punctuation, not here: a record rejected at once yields a
        // dead letter, and init() may not forward.
        Map<InputPosition, PendingMark> marks = new LinkedHashMap<>();
        try (KeyValueIterator<String, byte[]> all = pending.all()) {
            all.forEachRemaining(entry -> {
                PendingMark mark = PendingMark.fromBytes(entry.value);
                marks.put(mark.position(), mark);
            });
        }
        if (!marks.isEmpty()) {
            try (InputReplay replay = InputReplay.forTask(context.appConfigs(), context.taskId().toString(),
                    REPLAY_TIMEOUT)) {
                InputReplay.Replayed replayed = replay.read(marks.keySet());
                restored.addAll(replayed.records());
                replayed.missing().forEach(position -> expired.add(marks.get(position)));
            }
            LOG.info("task {}: scoring again {} events read before a restart but not yet published", context.taskId(),
                    restored.size());
            if (!expired.isEmpty()) {
                LOG.error("task {}: {} events read before a restart are no longer in the input topic (retention, or"
                        + " a recreated topic): dead-lettering them as {}: {}", context.taskId(), expired.size(),
                        RejectReason.INPUT_EXPIRED, expired.stream().map(PendingMark::position).toList());
            }
        }
        context.schedule(scoring.processing().drainInterval(), PunctuationType.WALL_CLOCK_TIME, now -> publishCompleted());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata metadata = context.recordMetadata().orElseThrow();
        List<Header> headers = List.of(record.headers().toArray());
        PendingRecord input = new PendingRecord(metadata.topic(), metadata.partition(), metadata.offset(),
                record.timestamp(), record.key(), record.value(), headers);
        scoring.listener().onConsumed();
        publishCompleted();
        start(input, true);
        while (inFlight.size() >= scoring.processing().maxInFlightPerTask()) {
            awaitOldest();
            publishCompleted();
        }
    }

    private void start(PendingRecord record, boolean storeIt) {
        Exception refusal = scoring.errors().refusalOf(record.position());
        if (refusal != null) {
            rejectRefused(record, refusal, storeIt);
            return;
        }
        GenerationEvent event = null;
        try {
            event = events.deserialize(record.topic(), record.value());
            if (event == null) {
                throw new RejectedEventException(RejectReason.BAD_SCHEMA, "record has no value");
            }
            CompletableFuture<QualityScore> score = scoring.scorer().submit(event, references::find);
            if (storeIt) {
                pending.put(record.storeKey(), PendingMark.of(record).toBytes());
            }
            inFlight.put(record.storeKey(), new InFlight(record, event, score));
        } catch (BadRecordException e) {
            reject(record, null, RejectReason.BAD_SCHEMA, e.getMessage(), storeIt);
        } catch (SerializationException e) {
            // The schema registry is unreachable or failing: the record may well be good, so it is not
            // dead-lettered. The stream thread stops, its transaction aborts, and the record is read again
            // after a restart (BadRecordException's contract; docs/STREAMING.md).
            throw e;
        } catch (RejectedEventException e) {
            reject(record, event, e.reason(), e.getMessage(), storeIt);
        } catch (RuntimeException e) {
            // A bug on one event must not stop the stream: the event is kept, replayable, on the dead-letter topic.
            reject(record, event, RejectReason.SCORING_FAILED, e.toString(), storeIt);
        }
    }

    /**
     * The broker refused this event's result, and the transaction it was in was aborted (see
     * ProductionErrorHandler): now it gets an INTERNAL_ERROR dead letter without its bytes, which may have been
     * what the broker refused.
     */
    private void rejectRefused(PendingRecord record, Exception refusal, boolean wasNew) {
        PendingRecord withoutValue = new PendingRecord(record.topic(), record.partition(), record.offset(),
                record.timestamp(), record.key(), null, record.headers());
        reject(withoutValue, null, RejectReason.INTERNAL_ERROR, "the broker refused the result of this event: "
                + refusal + "; the event is at " + record.position() + " while the topic's retention keeps it",
                wasNew);
    }

    private void reject(PendingRecord record, GenerationEvent event, RejectReason reason, String message,
                        boolean wasNew) {
        publishDeadLetter(record, event, reason, message);
        if (!wasNew) {
            pending.delete(record.storeKey());
        }
    }

    private void publishCompleted() {
        if (!restored.isEmpty()) {
            restored.forEach(record -> start(record, false));
            restored.clear();
        }
        if (!expired.isEmpty()) {
            expired.forEach(this::publishExpired);
            expired.clear();
        }
        Iterator<Map.Entry<String, InFlight>> it = inFlight.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, InFlight> entry = it.next();
            InFlight work = entry.getValue();
            if (!work.score().isDone()) {
                continue;
            }
            try {
                QualityScore score = work.score().join();
                // Where the event was read, so that its images can be found again from a window or an alert.
                score.setSourceTopic(work.record().topic());
                score.setSourcePartition(work.record().partition());
                score.setSourceOffset(work.record().offset());
                // Record time = scored_at, so retention counts from scoring; windows read produced_at instead.
                context.forward(new Record<String, SpecificRecord>(
                        scoreKey(score), score, score.getScoredAt().toEpochMilli(), inputHeaders(work.record())));
                scoring.listener().onScored(score, scoring.clock().instant());
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                RejectReason reason = cause instanceof RejectedEventException rejected
                        ? rejected.reason() : RejectReason.SCORING_FAILED;
                publishDeadLetter(work.record(), work.event(), reason, String.valueOf(cause.getMessage()));
            }
            pending.delete(entry.getKey());
            it.remove();
        }
    }

    private void awaitOldest() {
        InFlight oldest = inFlight.values().iterator().next();
        try {
            oldest.score().get(1, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Failures are published by publishCompleted; a timeout just lets the loop look again.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for scores", e);
        }
    }

    private void publishDeadLetter(PendingRecord record, GenerationEvent event, RejectReason reason,
                                   String message) {
        DeadLetter letter = deadLetters.of(record, event, reason, message, scoring.clock().instant());
        // Keyed by event id when it is a valid one (EventContract): a blank or over-long id keys nothing.
        String key = event == null || !EventContract.validId(event.getEventId()) ? null : event.getEventId();
        // Record time = failed_at, as scores carry scored_at: a replay's dead letters are kept for the whole
        // retention, and the broker accepts it whatever the event's own time; windows read produced_at
        // instead, when it passed validation (WindowInputs).
        context.forward(new Record<String, SpecificRecord>(key, letter, letter.getFailedAt().toEpochMilli(),
                inputHeaders(record)));
        scoring.listener().onDeadLetter(reason);
    }

    private void publishExpired(PendingMark mark) {
        InputPosition position = mark.position();
        PendingRecord gone = new PendingRecord(position.topic(), position.partition(), position.offset(),
                scoring.clock().millis(), mark.key(), null, List.of());
        publishDeadLetter(gone, null, RejectReason.INPUT_EXPIRED, "the input record at " + position
                + " was consumed before a restart and was no longer in the topic (retention, or a recreated topic)"
                + " when it was to be scored again");
        pending.delete(position.storeKey());
    }

    /** The event's position, for the exception handlers: see {@link InternalErrors#INPUT_HEADER}. */
    private static Headers inputHeaders(PendingRecord record) {
        return new RecordHeaders().add(InternalErrors.inputHeader(record.position()));
    }

    /** Scores are keyed by model and version, the key the aggregation groups by. */
    static String scoreKey(QualityScore score) {
        return ModelKey.of(score.getModelId(), score.getModelVersion());
    }

    @Override
    public void close() {
        // Unpublished work stays in the pending store; whoever owns the task next scores it again.
        inFlight.values().forEach(work -> work.score().cancel(false));
        inFlight.clear();
        restored.clear();
        expired.clear();
    }
}
