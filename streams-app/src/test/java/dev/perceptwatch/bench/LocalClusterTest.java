package dev.perceptwatch.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.commandline.Reachability;
import dev.perceptwatch.commandline.UserFixableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code bench pipeline} runs on without {@code --bootstrap}: the registry built (or found built) by
 * {@code ops/registry.sh build}, then a broker and the registry started by the project's scripts, both
 * answering, and both stopped and their directory removed on close.
 */
class LocalClusterTest {

    @Test
    void buildsOrFindsTheRegistryStartsBothServersAndStopsThem() throws IOException {
        StringWriter log = new StringWriter();
        String registryUrl;
        Path dir;
        try (LocalCluster cluster = LocalCluster.start(new PrintWriter(log, true))) {
            registryUrl = cluster.registryUrl();
            dir = cluster.dir();
            String text = log.toString();
            assertTrue(text.contains("registry.sh: up to date: ") || text.contains("registry.sh: built "), text);
            Reachability.requireRegistry(registryUrl, "");
            Reachability.requireBroker(cluster.bootstrap(), Map.of(), "");
        }
        assertFalse(Files.exists(dir), dir + " was not removed");
        assertThrows(UserFixableException.class, () -> Reachability.requireRegistry(registryUrl, ""),
                "the registry still answers after close");
    }
}
