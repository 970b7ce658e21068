package dev.perceptwatch.contract;

import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import java.time.Duration;
import java.time.Instant;

/**
 * The one definition of a valid event, id and event time. The client checks an event with it before it is
 * sent, the service at ingestion (a violation is {@code BAD_EVENT}, with the same message), and again the ids
 * and time wherever a record derived from an event that may have failed it (a dead letter) is grouped,
 * windowed or reported.
 */
public final class EventContract {
    /** Longest id: ids become Kafka keys and Prometheus label values. */
    public static final int MAX_ID_CHARS = 256;
    /** How far ahead of the clock a produced_at may be by default (the service's windows.max-future-skew). */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    private EventContract() {
    }

    /**
     * What is wrong with the event, or null when it keeps the contract: its ids, its produced_at judged at
     * {@code now}, and the shape of its two image sources (whether a uri may be read or a reference_id exists
     * only the service can tell).
     */
    public static String problem(GenerationEvent event, Instant now, Duration maxFutureSkew) {
        String ids = firstProblem("event_id", idProblem(event.getEventId()),
                "model_id", idProblem(event.getModelId()), "model_version", idProblem(event.getModelVersion()));
        if (ids != null) {
            return ids;
        }
        if (event.getProducedAt() == null) {
            return "produced_at is missing";
        }
        String producedAt = producedAtProblem(event.getProducedAt(), now, maxFutureSkew);
        if (producedAt != null) {
            return "produced_at " + event.getProducedAt() + " (" + event.getProducedAt().toEpochMilli() + ") "
                    + producedAt + "; it is milliseconds since the epoch";
        }
        if (event.getGenerated() != null && event.getGenerated().getReferenceId() != null) {
            return "generated must be inline data or a uri, not a reference_id";
        }
        String generated = sourceProblem(event.getGenerated());
        return generated != null ? "generated " + generated : prefixed("reference ", sourceProblem(event.getReference()));
    }

    private static String sourceProblem(ImageSource source) {
        int given = source == null ? 0 : (source.getData() != null ? 1 : 0) + (source.getUri() != null ? 1 : 0)
                + (source.getReferenceId() != null ? 1 : 0);
        return given == 1 ? null : "must have exactly one of data, uri, reference_id (has " + given + ")";
    }

    private static String firstProblem(String... fieldsAndProblems) {
        for (int i = 0; i < fieldsAndProblems.length; i += 2) {
            if (fieldsAndProblems[i + 1] != null) {
                return fieldsAndProblems[i] + " " + fieldsAndProblems[i + 1];
            }
        }
        return null;
    }

    private static String prefixed(String prefix, String problem) {
        return problem == null ? null : prefix + problem;
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
