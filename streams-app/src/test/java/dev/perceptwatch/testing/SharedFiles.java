package dev.perceptwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the team's shared folder (sample images, models): the system property
 * {@code perceptwatch.shared.dir} when that folder exists, else the environment variable
 * {@code PERCEPTWATCH_SHARED_DIR}, else {@code /work/shared}.
 */
public final class SharedFiles {

    private SharedFiles() {
    }

    public static Path sharedDir() {
        String property = System.getProperty("perceptwatch.shared.dir");
        if (property != null && Files.isDirectory(Path.of(property))) {
            return Path.of(property);
        }
        String environment = System.getenv("PERCEPTWATCH_SHARED_DIR");
        if (environment != null && !environment.isBlank()) {
            return Path.of(environment);
        }
        return Path.of("/work/shared");
    }

    /** A file under {@code images/}. */
    public static Path image(String name) {
        return sharedDir().resolve("images").resolve(name);
    }

    public static byte[] imageBytes(String name) {
        try {
            return Files.readAllBytes(image(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shared image " + image(name), e);
        }
    }

    /** The shared {@code models/} folder with the ONNX files. */
    public static Path modelsDir() {
        return sharedDir().resolve("models");
    }
}
