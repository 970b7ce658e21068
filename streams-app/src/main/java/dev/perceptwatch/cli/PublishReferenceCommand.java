package dev.perceptwatch.cli;

import dev.perceptwatch.client.PerceptWatchPublisher;
import dev.perceptwatch.client.TopicNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "publish-reference", mixinStandardHelpOptions = true,
        description = {"Publishes (or replaces) a reference image on perceptwatch.references (compacted).",
                "Events name it with publish --reference ID. Prints the id, file, partition and offset."})
final class PublishReferenceCommand implements Callable<Integer> {

    @Option(names = "--id", required = true, description = "The reference_id events will use.")
    String id;
    @Option(names = "--file", required = true, description = "The image (PNG, JPEG or WebP).")
    Path file;
    @Option(names = "--topic", defaultValue = TopicNames.REFERENCES, description = "Topic (default ${DEFAULT-VALUE}).")
    String topic;
    @Mixin
    KafkaOptions kafka;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a file");
        }
        byte[] image = Files.readAllBytes(file);
        kafka.requireReachable();
        try (PerceptWatchPublisher publisher = kafka.publisher().referencesTopic(topic).build()) {
            RecordMetadata metadata = publisher.publishReference(id, image).get();
            spec.commandLine().getOut().printf("%s %s partition=%d offset=%d%n", id, file, metadata.partition(),
                    metadata.offset());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (ExecutionException e) {
            spec.commandLine().getErr().println("error: reference " + id + " from " + file + ": " + e.getCause().getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }
}
