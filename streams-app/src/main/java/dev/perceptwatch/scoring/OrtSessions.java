package dev.perceptwatch.scoring;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/** How every ONNX Runtime session of the scorer is made: the full model and the two parts of a split one. */
final class OrtSessions {

    private OrtSessions() {
    }

    /**
     * The ONNX Runtime environment, created on a thread with an 8 MB stack: ORT 1.29 crashes (SIGSEGV) while
     * creating it on a 2 MB stack, such as the JVM's main thread, when the JVM's command line is long (seen
     * from about 6 KB of -cp); once created it is used from any thread.
     */
    static OrtEnvironment environment() {
        FutureTask<OrtEnvironment> creation = new FutureTask<>(OrtEnvironment::getEnvironment);
        Thread thread = new Thread(null, creation, "perceptwatch-onnxruntime-init", 8L << 20);
        thread.start();
        try {
            return creation.get();
        } catch (ExecutionException e) {
            throw new ScoringException("cannot start ONNX Runtime: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScoringException("interrupted while starting ONNX Runtime", e);
        }
    }

    /** A session of the checked {@code onnx} bytes, all graph optimisations on, on {@code device}. */
    static OrtSession create(OrtEnvironment env, byte[] onnx, ScoringDevice device, int intraOpThreads)
            throws OrtException {
        try (SessionOptions options = new SessionOptions()) {
            options.setOptimizationLevel(OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(intraOpThreads);
            if (device.kind() == ScoringDevice.Kind.CUDA) {
                options.addCUDA(device.index());
            }
            return env.createSession(onnx, options);
        }
    }
}
