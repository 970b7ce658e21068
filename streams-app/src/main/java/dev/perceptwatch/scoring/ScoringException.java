package dev.perceptwatch.scoring;

/** Scoring could not run: the requested device is unavailable, or a model run failed. */
public final class ScoringException extends RuntimeException {
    public ScoringException(String message) {
        super(message);
    }

    public ScoringException(String message, Throwable cause) {
        super(message, cause);
    }
}
