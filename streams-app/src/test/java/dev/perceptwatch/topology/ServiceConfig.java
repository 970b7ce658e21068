package dev.perceptwatch.topology;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import dev.perceptwatch.testing.SharedFiles;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The settings file of a service under test: its broker, registry, topics, own application id and state
 * dir, the shared model, a free metrics port, and a small CPU footprint (the test machine has 2 cores);
 * {@code extra} adds or overrides keys. One value may write the files of several instances, each in its dir.
 */
record ServiceConfig(String bootstrapServers, String registryUrl, PipelineTopics topics, Map<String, String> extra) {
    ServiceConfig {
        extra = Map.copyOf(extra);
    }

    /** Writes {@code dir/service.properties}; {@code extra} adds or overrides keys. */
    static Path write(Path dir, String bootstrapServers, String registryUrl, PipelineTopics topics,
                      Map<String, String> extra) throws IOException {
        return new ServiceConfig(bootstrapServers, registryUrl, topics, extra).write(dir);
    }

    /** Writes {@code dir/service.properties}, with {@code dir/state} as the state dir. */
    Path write(Path dir) throws IOException {
        Properties properties = new Properties();
        properties.put("kafka.bootstrap.servers", bootstrapServers);
        properties.put("kafka.application.id", "perceptwatch-test-" + UUID.randomUUID().toString().substring(0, 8));
        properties.put("kafka.state.dir", stateDir(dir).toString());
        // No session or membership settings: a restarted service rejoins at once with the service's defaults
        // (static membership under an id derived from this state dir, StaticMembership).
        properties.put("registry.url", registryUrl);
        properties.putAll(new Topics(topics.generations(), topics.references(), topics.scores(), topics.deadLetters(),
                topics.windowStats(), topics.alerts()).settings());
        properties.put("scoring.model-path", SharedFiles.modelsDir().toString());
        properties.put("scoring.intra-op-threads", "1");
        properties.put("processing.prep-threads", "1");
        properties.put("metrics.port", "0");
        properties.putAll(extra);
        Path file = dir.resolve("service.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "service under test");
        }
        return file;
    }

    /** The state dir of the service whose settings {@link #write(Path)} wrote into {@code dir}. */
    static Path stateDir(Path dir) {
        return dir.resolve("state");
    }

    static Settings load(Path file) {
        return Settings.load(file, Map.of());
    }
}
