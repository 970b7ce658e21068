package dev.perceptwatch.aggregation;

import dev.perceptwatch.scoring.Metric;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The ids of the K events with the worst values of one metric, worst first. */
final class WorstEvents {

    private record Entry(double value, String eventId) {
    }

    private final int capacity;
    private final Comparator<Entry> worstFirst;
    private final List<Entry> entries = new ArrayList<>();

    WorstEvents(Metric metric, int capacity) {
        this.capacity = capacity;
        Comparator<Entry> byValue = Comparator.comparingDouble(Entry::value);
        // Ties broken by id so that arrival order never changes the result.
        this.worstFirst = (ScoreValues.higherIsWorse(metric) ? byValue.reversed() : byValue)
                .thenComparing(Entry::eventId);
    }

    void offer(double value, String eventId) {
        Entry entry = new Entry(value, eventId);
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

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(entries.size());
        for (Entry entry : entries) {
            out.writeDouble(entry.value());
            out.writeUTF(entry.eventId());
        }
    }

    static WorstEvents readFrom(Metric metric, int capacity, DataInput in) throws IOException {
        WorstEvents worst = new WorstEvents(metric, capacity);
        int size = in.readInt();
        for (int i = 0; i < size; i++) {
            worst.offer(in.readDouble(), in.readUTF());
        }
        return worst;
    }
}
