package dev.perceptwatch.imaging;

import dev.perceptwatch.contract.RejectReason;

/** An image that cannot be scored, with the dead-letter reason code it earns. */
public final class ImageRejectedException extends Exception {

    private final RejectReason reason;

    ImageRejectedException(RejectReason reason, String sourceName, String detail) {
        this(reason, sourceName, detail, null);
    }

    ImageRejectedException(RejectReason reason, String sourceName, String detail, Throwable cause) {
        super(sourceName + ": " + detail, cause);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
