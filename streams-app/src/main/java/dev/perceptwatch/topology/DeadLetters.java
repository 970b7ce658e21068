package dev.perceptwatch.topology;

import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.RecordHeader;
import dev.perceptwatch.contract.RejectReason;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Builds the dead letter of an input record: the original bytes and headers, replayable, plus the reason.
 * A dead letter must fit in one produced record: an input near the size limit (an oversized image is exactly
 * what gets rejected) plus the envelope could exceed {@code max.request.size}, and the failed send would stop
 * the stream on that record after every restart. Such a dead letter leaves the value out and says where it is.
 */
final class DeadLetters {
    /** Room for everything but the copied bytes: ids, reason, position, message, Avro and record framing. */
    static final int ENVELOPE_BYTES = 16 * 1024;
    static final int MAX_MESSAGE_CHARS = 4096;

    private final int maxRecordBytes;

    DeadLetters(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The producer's {@code max.request.size} as Kafka Streams will configure it from these settings. */
    static DeadLetters forConfig(Map<String, ?> appConfigs) {
        Object configured = appConfigs.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        if (configured == null) {
            configured = appConfigs.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        if (configured == null) {
            configured = 1024 * 1024;
        }
        return new DeadLetters((Integer) ConfigDef.parseType(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, configured,
                ConfigDef.Type.INT));
    }

    DeadLetter of(PendingRecord record, GenerationEvent event, RejectReason reason, String message, Instant now) {
        String text = message == null ? reason.name() : truncate(message);
        long copied = length(record.key()) + length(record.value()) + record.headers().stream()
                .mapToLong(h -> h.key().length() + length(h.value())).sum();
        byte[] value = record.value();
        if (value != null && copied > maxRecordBytes - ENVELOPE_BYTES) {
            text += " [original value of " + value.length + " bytes not copied: the dead letter would exceed the "
                    + "producer's max.request.size of " + maxRecordBytes + " bytes; it is at "
                    + record.position()
                    + " while the topic's retention keeps it]";
            value = null;
        }
        return DeadLetter.newBuilder()
                .setEventId(event == null ? null : event.getEventId())
                .setModelId(event == null ? null : event.getModelId())
                .setModelVersion(event == null ? null : event.getModelVersion())
                .setReason(reason.name())
                .setMessage(text)
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setOriginalKey(wrap(record.key()))
                .setOriginalValue(wrap(value))
                .setOriginalHeaders(record.headers().stream()
                        .map(h -> new RecordHeader(h.key(), wrap(h.value())))
                        .toList())
                .setFailedAt(now)
                .setProducedAt(event == null ? null : event.getProducedAt())
                .build();
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message
                : message.substring(0, MAX_MESSAGE_CHARS) + "... (" + message.length() + " characters)";
    }

    private static long length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }
}
