package dev.perceptwatch.cli;

import dev.perceptwatch.client.PerceptWatchPublisher;
import dev.perceptwatch.client.TopicNames;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the commands that publish generation events (publish, demo) send them: the topic, broker and registry. */
final class GenerationsTarget {
    @Option(names = "--topic", defaultValue = TopicNames.GENERATIONS, description = "Topic (default ${DEFAULT-VALUE}).")
    private String topic;
    @Mixin
    private KafkaOptions kafka;

    String topic() {
        return topic;
    }

    /** See {@link KafkaOptions#requireReachable()}: a command checks before its own work, not only at {@link #open}. */
    void requireReachable() {
        kafka.requireReachable();
    }

    PerceptWatchPublisher open() {
        return kafka.publisher().generationsTopic(topic).build();
    }
}
