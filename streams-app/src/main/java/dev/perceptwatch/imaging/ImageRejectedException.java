package dev.perceptwatch.imaging;

/** An image that cannot be scored; {@link #reason()} doubles as the dead-letter reason code. */
public final class ImageRejectedException extends Exception {

    /** Why an image was refused. The names are dead-letter reason codes: keep them stable. */
    public enum Reason { UNDECODABLE_IMAGE, IMAGE_TOO_LARGE, IMAGE_TOO_SMALL, SIZE_MISMATCH }

    private final Reason reason;

    ImageRejectedException(Reason reason, String sourceName, String detail) {
        this(reason, sourceName, detail, null);
    }

    ImageRejectedException(Reason reason, String sourceName, String detail, Throwable cause) {
        super(sourceName + ": " + detail, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
