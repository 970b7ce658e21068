package dev.perceptwatch.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceInstancesTest {

    @Test
    void anInstanceThatExitsAtStartUpShowsTheEndOfItsLogInTheError(@TempDir Path dir) throws Exception {
        // A main class that does not exist: the child JVM prints why and exits with 1 before listening.
        try (ServiceInstances instances = new ServiceInstances(dir, "dev.perceptwatch.NoSuchMain", Map.of(), false)) {
            ServiceInstances.Instance instance = instances.start();
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> instances.awaitReady(instance, Duration.ofMinutes(1)));
            assertTrue(error.getMessage().startsWith("instance 1 exited with 1"), error.getMessage());
            assertTrue(error.getMessage().contains("dev.perceptwatch.NoSuchMain"), error.getMessage());
        }
    }
}
