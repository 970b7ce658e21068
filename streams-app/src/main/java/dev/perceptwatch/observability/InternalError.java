package dev.perceptwatch.observability;

import java.util.Locale;

/** Where a failure the stream outlived happened: the {@code kind} label of perceptwatch_internal_errors_total. */
public enum InternalError {
    /** A metrics or logging listener threw; the record was processed and published all the same. */
    OBSERVABILITY,
    /** A processor threw on a record: it was dead-lettered as INTERNAL_ERROR and the stream went on. */
    PROCESSING,
    /** A record could not be serialized, or the broker refused it. */
    PRODUCTION,
    /** A record of a topic the service reads back (scores, dead letters) was not readable. */
    DESERIALIZATION;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
