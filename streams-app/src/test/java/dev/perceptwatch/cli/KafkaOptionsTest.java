package dev.perceptwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaOptionsTest {
    private static final Path STATE = Path.of(".ops", "kafka", "bootstrap");

    @Test
    void optionThenEnvironmentThenTheLocalRunsStateFile(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve(".ops/kafka"));
        Files.writeString(dir.resolve(STATE), "127.0.0.1:39092\n");
        Map<String, String> env = Map.of(KafkaOptions.BOOTSTRAP_ENV, "kafka:9092");

        assertEquals("broker:1", resolve("broker:1", env, dir));
        assertEquals("kafka:9092", resolve(null, env, dir));
        assertEquals("127.0.0.1:39092", resolve(null, Map.of(), dir));
    }

    @Test
    void nothingToGoOnIsAnErrorSayingWhatToDo(@TempDir Path dir) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> resolve(" ", Map.of(), dir));
        assertEquals("no --bootstrap given, $PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS is not set and " + dir.resolve(STATE)
                + " does not exist (ops/kafka.sh start writes it)", error.getMessage());
    }

    private static String resolve(String option, Map<String, String> env, Path dir) {
        return KafkaOptions.resolve(option, KafkaOptions.BOOTSTRAP_ENV, STATE, "--bootstrap", "ops/kafka.sh start", env, dir);
    }
}
