package dev.perceptwatch.topology;

import dev.perceptwatch.config.Topics;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.observability.InternalError;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the stream does with a failure it must outlive: counts it ({@code perceptwatch_internal_errors_total}),
 * logs it with where it happened and, for a record, makes the {@code INTERNAL_ERROR} dead letter that replaces
 * its result. Shared by the listener guards and Kafka Streams' exception handlers, which Kafka Streams creates
 * from their class names and which find this instance in their configs ({@link #addTo}).
 *
 * <p>It also remembers the input positions whose result the broker refused: under exactly-once such a refusal
 * dooms the open transaction, so the stream thread is replaced and its tasks read their input again, and the
 * scoring stage then dead-letters those events as {@code INTERNAL_ERROR} instead of scoring them once more.
 */
public final class InternalErrors {
    private static final Logger LOG = LoggerFactory.getLogger(InternalErrors.class);
    static final String CONFIG = "perceptwatch.internal-errors";
    /**
     * On each score and dead letter: the input position of its event, because it is published after later
     * events were read, so Kafka Streams' record context at that moment names another record.
     */
    static final String INPUT_HEADER = "perceptwatch.input";
    /** How many times a small result refused with its batch is processed again before it is dead-lettered. */
    static final int BATCH_REFUSALS = 8;

    private final Consumer<InternalError> counter;
    private final Serializer<DeadLetter> letters;
    private final Topics topics;
    private final Clock clock;
    private final Map<InputPosition, Exception> refused = new ConcurrentHashMap<>();
    private final Map<InputPosition, Integer> batchRefusals = new ConcurrentHashMap<>();
    /** Every refusal remembered by {@link #refused} or {@link #refusedWithBatch}: the threads they may fail. */
    private final Set<Throwable> remembered = ConcurrentHashMap.newKeySet();

    public InternalErrors(Consumer<InternalError> counter, Serializer<DeadLetter> letters, Topics topics, Clock clock) {
        this.counter = counter;
        this.letters = letters;
        this.topics = topics;
        this.clock = clock;
    }

    /** Sets Kafka Streams' processing, production and deserialization handlers to this instance's. */
    public void addTo(Properties properties) {
        properties.put(CONFIG, this);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingErrorHandler.class);
        properties.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ProductionErrorHandler.class);
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeserializationErrorHandler.class);
    }

    static InternalErrors from(Map<String, ?> configs) {
        if (!(configs.get(CONFIG) instanceof InternalErrors errors)) {
            throw new IllegalStateException(CONFIG + " is not set: InternalErrors.addTo(properties) configures the"
                    + " exception handlers");
        }
        return errors;
    }

    /** Counts and logs a failure; {@code where} names the step and the record. */
    void record(InternalError kind, String where, Throwable error) {
        counter.accept(kind);
        LOG.error("internal error ({}) {}: {}; the stream goes on", kind.name().toLowerCase(), where, error, error);
    }

    /** Runs an observability call; a failure of it is counted and logged, never thrown into the stream. */
    void guard(String call, Runnable observation) {
        try {
            observation.run();
        } catch (RuntimeException e) {
            record(InternalError.OBSERVABILITY, "in " + call, e);
        }
    }

    /** The INTERNAL_ERROR dead letter replacing the result of {@code source}. */
    ProducerRecord<byte[], byte[]> deadLetter(PendingRecord source, String message, DeadLetters deadLetters) {
        DeadLetter letter = deadLetters.of(source, null, RejectReason.INTERNAL_ERROR, message,
                clock.instant());
        return new ProducerRecord<>(topics.deadLetters(), null, letter.getFailedAt().toEpochMilli(), null,
                letters.serialize(topics.deadLetters(), letter));
    }

    /** The record Kafka Streams was processing, as read (its bytes when Kafka Streams still holds them). */
    static PendingRecord processed(ErrorHandlerContext context) {
        return new PendingRecord(context.topic(), context.partition(), context.offset(), context.timestamp(),
                context.sourceRawKey(), context.sourceRawValue(), List.of(context.headers().toArray()));
    }

    /** An event of the scoring stage whose result could not be published: its bytes are no longer at hand. */
    PendingRecord event(InputPosition position) {
        return new PendingRecord(position.topic(), position.partition(), position.offset(), clock.millis(), null,
                null, List.of());
    }

    /** "(in NODE, task T, input POSITION)": where a record failed, for messages. */
    static String where(ErrorHandlerContext context, InputPosition input) {
        return "(in " + context.processorNodeId() + ", task " + context.taskId() + ", input " + input + ")";
    }

    /**
     * The input position of the scoring stage's output record {@code headers} belong to, or null for another
     * record.
     */
    InputPosition inputOf(String topic, Headers headers) {
        if (!topic.equals(topics.scores()) && !topic.equals(topics.deadLetters())) {
            return null;
        }
        Header header = headers == null ? null : headers.lastHeader(INPUT_HEADER);
        return header == null ? null : InputPosition.parse(new String(header.value(), StandardCharsets.UTF_8));
    }

    static Header inputHeader(InputPosition position) {
        return new RecordHeader(INPUT_HEADER, position.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Remembers that the broker refused the result of this event; false when it had already, once. */
    boolean refused(InputPosition event, Exception refusal) {
        if (refused.putIfAbsent(event, refusal) != null) {
            return false;
        }
        remembered.add(refusal);
        return true;
    }

    /**
     * Remembers that the broker refused this event's small result with the batch it shared with a record too
     * large, so that the thread is replaced and the event processed again as it was; false once that happened
     * {@link #BATCH_REFUSALS} times (then the event is dead-lettered). An event may share a batch with several
     * large neighbours, one per round: each round dead-letters the neighbour whose refusal reached the handler
     * without its bytes, and the bound keeps a batch whose refusal always reaches it through this event first
     * from being processed for ever.
     */
    boolean refusedWithBatch(InputPosition event, Exception refusal) {
        if (batchRefusals.merge(event, 1, Integer::sum) > BATCH_REFUSALS) {
            return false;
        }
        remembered.add(refusal);
        return true;
    }

    /** Why the broker refused this event's result before, or null. */
    Exception refusalOf(InputPosition event) {
        return refused.get(event);
    }

    /** Whether {@code failure} comes from a remembered refusal: its thread may be replaced. */
    public boolean isRememberedRefusal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (remembered.contains(cause)) {
                return true;
            }
        }
        return false;
    }
}
