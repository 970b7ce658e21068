package dev.perceptwatch.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's root (the folder with grafana/, ops/ and docker-compose.yml) from a test. */
public final class RepositoryFiles {

    private RepositoryFiles() {
    }

    /** The nearest folder at or above the working directory (Maven runs tests in the module) with ops/prometheus. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("grafana/dashboards")) && Files.isDirectory(dir.resolve("ops/prometheus"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no grafana/dashboards and ops/prometheus above " + Path.of("").toAbsolutePath());
    }
}
