package dev.perceptwatch.scoring;

import java.nio.file.Path;

/**
 * A model file found on the model path whose sha256 has been checked.
 *
 * @param onnx the exact bytes that were hashed: the session is built from them, so the file cannot change
 *     between the check and the load
 */
record ResolvedModel(String name, ModelSpec spec, Path file, String sha256, byte[] onnx) {
}
