package dev.perceptwatch.cli;

import dev.perceptwatch.client.PerceptWatchPublisher;
import dev.perceptwatch.commandline.Reachability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the Kafka tools connect: each of --bootstrap and --registry from the option, else its environment
 * variable (the service's own), else the state file the local run writes ({@code .ops/kafka/bootstrap},
 * {@code .ops/registry/url}), so that after {@code ops/kafka.sh start} and {@code ops/registry.sh start}
 * the tools need no options.
 */
final class KafkaOptions {
    static final String BOOTSTRAP_ENV = "PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS";
    static final String REGISTRY_ENV = "PERCEPTWATCH_REGISTRY_URL";

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $" + BOOTSTRAP_ENV + ", else .ops/kafka/bootstrap).")
    String bootstrap;
    @Option(names = "--registry", paramLabel = "URL",
            description = "Schema registry URL (default: $" + REGISTRY_ENV + ", else .ops/registry/url).")
    String registry;
    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting (security.protocol, sasl.*, ssl.*, ...); repeatable.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    String bootstrapServers() {
        return resolve(bootstrap, BOOTSTRAP_ENV, Path.of(".ops", "kafka", "bootstrap"), "--bootstrap",
                "ops/kafka.sh start", System.getenv(), Path.of(""));
    }

    String registryUrl() {
        return resolve(registry, REGISTRY_ENV, Path.of(".ops", "registry", "url"), "--registry",
                "ops/registry.sh start", System.getenv(), Path.of(""));
    }

    /**
     * Fails in one line, naming the address and the fix, unless the registry and the broker answer: what a
     * tool checks before it publishes or reads.
     */
    void requireReachable() {
        Reachability.requireRegistry(registryUrl(), "(ops/registry.sh start, or --registry URL)");
        Reachability.requireBroker(bootstrapServers(), kafkaProperties, "(ops/kafka.sh start, or --bootstrap HOST:PORT)");
    }

    /** A publisher's builder for these servers and client settings; the caller names its topic. */
    PerceptWatchPublisher.Builder publisher() {
        return PerceptWatchPublisher.builder(bootstrapServers(), registryUrl()).kafkaProperties(kafkaProperties);
    }

    static String resolve(String option, String envName, Path stateFile, String optionName, String starter,
                          Map<String, String> env, Path workingDir) {
        if (option != null && !option.isBlank()) {
            return option.strip();
        }
        String fromEnv = env.get(envName);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        Path file = workingDir.resolve(stateFile);
        if (Files.isRegularFile(file)) {
            try {
                String fromFile = Files.readString(file).strip();
                if (!fromFile.isEmpty()) {
                    return fromFile;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        throw new IllegalArgumentException("no " + optionName + " given, $" + envName + " is not set and "
                + file + " does not exist (" + starter + " writes it)");
    }
}
