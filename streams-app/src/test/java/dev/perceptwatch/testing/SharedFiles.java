package dev.perceptwatch.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared folder (sample images, models) outside the repository: the {@code perceptwatch.shared.dir}
 * system property if that folder exists (surefire sets it for the main checkout), else the
 * {@code PERCEPTWATCH_SHARED_DIR} environment variable, else {@code /work/shared}.
 */
public final class SharedFiles {

    private SharedFiles() {
    }

    public static Path sharedDir() {
        String property = System.getProperty("perceptwatch.shared.dir");
        if (property != null && Files.isDirectory(Path.of(property))) {
            return Path.of(property);
        }
        String env = System.getenv("PERCEPTWATCH_SHARED_DIR");
        return Path.of(env != null ? env : "/work/shared");
    }

    public static Path image(String name) {
        return sharedDir().resolve("images").resolve(name);
    }

    public static Path modelsDir() {
        return sharedDir().resolve("models");
    }
}
