package dev.perceptwatch.ingest;

import dev.perceptwatch.contract.RejectReason;

/** An event that cannot be scored, with the reason code that its dead letter carries. */
public final class RejectedEventException extends Exception {
    private final RejectReason reason;

    public RejectedEventException(RejectReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RejectedEventException(RejectReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
