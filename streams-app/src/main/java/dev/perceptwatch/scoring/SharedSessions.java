package dev.perceptwatch.scoring;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
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

    /** Refuses sessions that do not follow their model's contract, in the order they were made. */
    @FunctionalInterface
    interface Contract {
        void check(List<OrtSession> sessions) throws OrtException;
    }

    private final String owner;
    private final String closedMessage;
    private final OrtEnvironment env;
    private final List<OrtSession> sessions;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private SharedSessions(String owner, String closedMessage, OrtEnvironment env, List<OrtSession> sessions) {
        this.owner = owner;
        this.closedMessage = closedMessage;
        this.env = env;
        this.sessions = List.copyOf(sessions);
    }

    /**
     * A session of each of the {@code onnx} files on {@code device}, in their order, checked by {@code contract};
     * when one cannot be made or the check fails, those made are closed again before the failure is thrown.
     *
     * @param owner         what the sessions are, for the log ("model 'lpips-alex'")
     * @param closedMessage the message of a run refused after {@link #close()}
     * @param env           the environment the sessions are made in, and their tensors
     */
    static SharedSessions open(String owner, String closedMessage, OrtEnvironment env, List<byte[]> onnx,
                               ScoringDevice device, int intraOpThreads, Contract contract) throws OrtException {
        List<OrtSession> opened = new ArrayList<>();
        try {
            for (byte[] model : onnx) {
                opened.add(OrtSessions.create(env, model, device, intraOpThreads));
            }
            contract.check(opened);
            return new SharedSessions(owner, closedMessage, env, opened);
        } catch (OrtException | RuntimeException e) {
            for (OrtSession session : opened) {
                try {
                    session.close();
                } catch (OrtException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /** The {@code index}th session, in the order of the files they were made of. */
    OrtSession session(int index) {
        return sessions.get(index);
    }

    /** A tensor of {@code shape} over the buffer's floats from its position (a direct one is used in place). */
    OnnxTensor tensor(FloatBuffer buffer, long[] shape) throws OrtException {
        return OnnxTensor.createTensor(env, buffer, shape);
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
