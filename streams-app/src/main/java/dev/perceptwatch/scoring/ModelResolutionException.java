package dev.perceptwatch.scoring;

/** A model cannot be used: unknown name, file not found on the model path, or a checksum mismatch. */
public final class ModelResolutionException extends RuntimeException {
    public ModelResolutionException(String message) {
        super(message);
    }
}
