package dev.perceptwatch.scoring;

import java.nio.file.Path;

/**
 * A model file whose sha256 has been checked.
 *
 * @param bytes the exact bytes that were hashed: the session is built from them, so the file cannot change
 *     between the check and the load
 */
record CheckedFile(Path file, String sha256, byte[] bytes) {
}
