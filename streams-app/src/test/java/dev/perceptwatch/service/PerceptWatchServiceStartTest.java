package dev.perceptwatch.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.testing.SharedFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class PerceptWatchServiceStartTest {

    private static long batcherThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("perceptwatch-lpips-batcher-"))
                .count();
    }

    @Test
    void aStartThatFailsLateClosesWhatItOpened() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Settings settings = Settings.load(null, Map.of(
                "PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9",
                // Refused by Kafka Streams' own config parsing, after the model and the metrics server are up.
                "PERCEPTWATCH_KAFKA_NUM_STREAM_THREADS", "many",
                "PERCEPTWATCH_METRICS_PORT", String.valueOf(port),
                "PERCEPTWATCH_SCORING_MODEL_PATH", SharedFiles.modelsDir().toString()));
        long before = batcherThreads();

        ConfigException failure = assertThrows(ConfigException.class, () -> PerceptWatchService.start(settings));
        assertTrue(failure.getMessage().contains("num.stream.threads"), failure.getMessage());

        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort(), "the metrics server released its port");
        }
        assertEquals(before, batcherThreads(), "the micro-batcher's workers stopped with the model");
    }
}
