package dev.perceptwatch.scoring;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX Runtime sessions of one model (the full model's, or a split model's backbone and head), shared by
 * every thread ({@code OrtSession.run} is thread-safe) and closed once. Runs share the read side of a lock and
 * closing takes the write side, so a session is never freed under a run.
 */
final class SharedSessions {

    private static final Logger LOG = LoggerFactory.getLogger(SharedSessions.class);

    /** Work on the sessions. */
    @FunctionalInterface
    interface Run<T> {
        T call() throws OrtException;
    }

    private final String owner;
    private final String closedMessage;
    private final List<OrtSession> sessions;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    /**
     * @param owner         what the sessions are, for the log ("model 'lpips-alex'")
     * @param closedMessage the message of a run refused after {@link #close()}
     */
    SharedSessions(String owner, String closedMessage, List<OrtSession> sessions) {
        this.owner = owner;
        this.closedMessage = closedMessage;
        this.sessions = List.copyOf(sessions);
    }

    /**
     * The work's result; an {@link OrtException} becomes a {@link ScoringException} of {@code failure} and
     * the exception's message, a run after {@link #close()} an {@link IllegalStateException}.
     */
    <T> T run(Run<T> run, String failure) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(closedMessage);
            }
            return run.call();
        } catch (OrtException e) {
            throw new ScoringException(failure + ": " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Closes every session once no run holds them; a failure to close one is logged and the others closed. */
    void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (OrtSession session : sessions) {
                try {
                    session.close();
                } catch (OrtException e) {
                    LOG.warn("closing an ONNX Runtime session of {} failed: {}", owner, e.getMessage());
                }
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
