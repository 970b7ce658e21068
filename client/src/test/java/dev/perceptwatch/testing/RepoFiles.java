package dev.perceptwatch.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of this repository's checkout (ops/ scripts and settings) for tests. */
public final class RepoFiles {

    private RepoFiles() {
    }

    /**
     * The checkout's root: the system property {@code perceptwatch.repo.dir} (set by surefire), else the
     * parent of the working directory (a test run from the streams-app module).
     */
    public static Path root() {
        Path root = Path.of(System.getProperty("perceptwatch.repo.dir", "..")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("ops/kafka.sh"))) {
            throw new IllegalStateException("not the PerceptWatch checkout (no ops/kafka.sh): " + root
                    + "; set the system property perceptwatch.repo.dir");
        }
        return root;
    }

    public static Path resolve(String relativePath) {
        return root().resolve(relativePath);
    }
}
