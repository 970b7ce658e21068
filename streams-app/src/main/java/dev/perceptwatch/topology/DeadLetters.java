package dev.perceptwatch.topology;

import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.RecordHeader;
import dev.perceptwatch.ingest.RejectReason;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the dead letter of an input record: the original bytes and headers, replayable, plus the reason. */
final class DeadLetters {
    private DeadLetters() {
    }

    static DeadLetter of(PendingRecord record, GenerationEvent event, RejectReason reason, String message,
                         Instant now) {
        return DeadLetter.newBuilder()
                .setEventId(event == null ? null : event.getEventId())
                .setModelId(event == null ? null : event.getModelId())
                .setModelVersion(event == null ? null : event.getModelVersion())
                .setReason(reason.name())
                .setMessage(message == null ? reason.name() : message)
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setOriginalKey(wrap(record.key()))
                .setOriginalValue(wrap(record.value()))
                .setOriginalHeaders(record.headers().stream()
                        .map(h -> new RecordHeader(h.key(), wrap(h.value())))
                        .toList())
                .setFailedAt(now)
                .build();
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }
}
