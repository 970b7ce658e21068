package dev.perceptwatch.aggregation;

import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.WorstExample;
import dev.perceptwatch.scoring.Metric;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The K events with the worst values of one metric, worst first, with where their images are. */
final class WorstEvents {

    /** Where an event's images are; every field may be null (a score written before positions were recorded). */
    private record Location(String topic, Integer partition, Long offset, String generatedUri,
                            String referenceUri, String referenceId) {
        static final Location UNKNOWN = new Location(null, null, null, null, null, null);

        static Location of(QualityScore score) {
            return new Location(score.getSourceTopic(), score.getSourcePartition(), score.getSourceOffset(),
                    score.getGeneratedUri(), score.getReferenceUri(), score.getReferenceId());
        }
    }

    private record Entry(double value, String eventId, Location location) {
        WorstExample toAvro() {
            return new WorstExample(eventId, value, location.topic(), location.partition(), location.offset(),
                    location.generatedUri(), location.referenceUri(), location.referenceId());
        }
    }

    private final int capacity;
    private final Comparator<Entry> worstFirst;
    private final List<Entry> entries = new ArrayList<>();

    WorstEvents(Metric metric, int capacity) {
        this.capacity = capacity;
        Comparator<Entry> byValue = Comparator.comparingDouble(Entry::value);
        // Ties broken by id so that arrival order never changes the result.
        this.worstFirst = (metric.higherIsWorse() ? byValue.reversed() : byValue)
                .thenComparing(Entry::eventId);
    }

    void offer(double value, QualityScore score) {
        offer(new Entry(value, score.getEventId(), Location.of(score)));
    }

    private void offer(Entry entry) {
        if (entries.size() == capacity && worstFirst.compare(entry, entries.get(capacity - 1)) >= 0) {
            return;
        }
        int at = 0;
        while (at < entries.size() && worstFirst.compare(entries.get(at), entry) < 0) {
            at++;
        }
        entries.add(at, entry);
        if (entries.size() > capacity) {
            entries.remove(capacity);
        }
    }

    List<String> eventIds() {
        return entries.stream().map(Entry::eventId).toList();
    }

    List<WorstExample> examples() {
        return entries.stream().map(Entry::toAvro).toList();
    }

    /** Per entry: value, id, then (format 2) the location's six nullable fields. */
    void writeTo(DataOutput out) throws IOException {
        out.writeInt(entries.size());
        for (Entry entry : entries) {
            out.writeDouble(entry.value());
            out.writeUTF(entry.eventId());
            Location location = entry.location();
            writeNullable(out, location.topic());
            out.writeInt(location.partition() == null ? -1 : location.partition());
            out.writeLong(location.offset() == null ? -1 : location.offset());
            writeNullable(out, location.generatedUri());
            writeNullable(out, location.referenceUri());
            writeNullable(out, location.referenceId());
        }
    }

    /** @param withLocations false for format 1 (ids only), which a store written by an older build holds */
    static WorstEvents readFrom(Metric metric, int capacity, DataInput in, boolean withLocations) throws IOException {
        WorstEvents worst = new WorstEvents(metric, capacity);
        int size = in.readInt();
        for (int i = 0; i < size; i++) {
            double value = in.readDouble();
            String id = in.readUTF();
            Location location = Location.UNKNOWN;
            if (withLocations) {
                String topic = readNullable(in);
                int partition = in.readInt();
                long offset = in.readLong();
                location = new Location(topic, partition < 0 ? null : partition, offset < 0 ? null : offset,
                        readNullable(in), readNullable(in), readNullable(in));
            }
            worst.offer(new Entry(value, id, location));
        }
        return worst;
    }

    // writeUTF holds at most 65535 bytes: a longer uri is not kept (the event at its position still has it).
    private static void writeNullable(DataOutput out, String value) throws IOException {
        boolean kept = value != null && value.length() <= 16_384;
        out.writeBoolean(kept);
        if (kept) {
            out.writeUTF(value);
        }
    }

    private static String readNullable(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
