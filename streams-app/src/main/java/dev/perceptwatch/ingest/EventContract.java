package dev.perceptwatch.ingest;

import java.time.Duration;
import java.time.Instant;

/**
 * The one definition of a valid id and a valid event time, applied before anything keys, windows or labels
 * by them: at ingestion (a violation is {@code BAD_EVENT}) and again wherever a record derived from an event
 * that may have failed it (a dead letter) is grouped, windowed or reported.
 */
public final class EventContract {
    /** Longest id: ids become Kafka keys and Prometheus label values. */
    public static final int MAX_ID_CHARS = 256;

    private EventContract() {
    }

    /** What is wrong with an id (event_id, model_id, model_version), or null when it is valid. */
    public static String idProblem(String value) {
        if (value == null || value.isBlank()) {
            return "is empty";
        }
        if (value.length() > MAX_ID_CHARS) {
            return "has " + value.length() + " characters, more than " + MAX_ID_CHARS;
        }
        // Ids become Kafka keys and Prometheus labels joined by a control character: none may hold one.
        if (value.chars().anyMatch(Character::isISOControl)) {
            return "'" + value.replaceAll("\\p{Cntrl}", "?") + "' contains a control character";
        }
        return null;
    }

    public static boolean validId(String value) {
        return idProblem(value) == null;
    }

    /**
     * What is wrong with a produced_at, or null when it may be used as event time. Windows read produced_at
     * as event time, and stream time only moves forward: one event from the future (microseconds sent as
     * milliseconds, a wrong clock) would make every later event on its partition late, and a broker refuses
     * records more than {@code message.timestamp.after.max.ms} (one hour by default) ahead of its clock.
     *
     * @param now           this instance's clock when the event is judged
     * @param maxFutureSkew how far ahead of {@code now} it may be (windows.max-future-skew)
     */
    public static String producedAtProblem(Instant producedAt, Instant now, Duration maxFutureSkew) {
        if (producedAt.toEpochMilli() < 0) {
            return "is before 1970";
        }
        if (producedAt.isAfter(now.plus(maxFutureSkew))) {
            return "is more than " + maxFutureSkew.toSeconds() + " s ahead of this instance's clock, " + now
                    + " (windows.max-future-skew)";
        }
        return null;
    }
}
