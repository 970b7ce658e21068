package dev.perceptwatch.cli;

import dev.perceptwatch.client.TopicNames;
import dev.perceptwatch.commandline.ScoringOptions;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import dev.perceptwatch.console.Console;
import dev.perceptwatch.console.ExampleExport;
import dev.perceptwatch.ingest.UriPolicy;
import dev.perceptwatch.scoring.BatchListener;
import dev.perceptwatch.scoring.ScoringEngine;
import dev.perceptwatch.scoring.SpatialMaps;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "examples", mixinStandardHelpOptions = true,
        description = {"Writes an alert's worst examples (or one event) as pictures: one PNG per example with the",
                "generated image, its reference and the LPIPS spatial map over the generated image side by side and",
                "the scores below, and an index.html. Reads the alerts and window stats topics (committed records),",
                "the events by position and their images as the console does; computes the maps with the model."})
final class ExamplesCommand implements Callable<Integer> {

    static final class Target {
        @Option(names = "--alert", paramLabel = "ALERT_ID", required = true,
                description = "An alert id (as tail alerts prints it).")
        String alert;
        @Option(names = "--event", paramLabel = "ID", required = true,
                description = "An event id among the worst examples of the kept windows and alerts.")
        String event;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;
    @Option(names = "--out", paramLabel = "DIR", description = "Where to write (default: examples/ID).")
    Path out;
    @Option(names = "--uri-file-root", paramLabel = "DIR", description = "A directory file:// image uris may point"
            + " into (uri.file-roots; repeatable). Without any, uris are refused.")
    List<Path> fileRoots = List.of();
    @Option(names = "--uri-http-host", paramLabel = "HOST", description = "A host http(s):// image uris may name"
            + " (uri.http-hosts; repeatable).")
    List<String> httpHosts = List.of();
    @Option(names = "--alerts-topic", paramLabel = "TOPIC", description = "Default: " + TopicNames.ALERTS + ".")
    String alertsTopic = TopicNames.ALERTS;
    @Option(names = "--window-stats-topic", paramLabel = "TOPIC", description = "Default: " + TopicNames.WINDOW_STATS + ".")
    String windowStatsTopic = TopicNames.WINDOW_STATS;
    @Option(names = "--references-topic", paramLabel = "TOPIC", description = "Default: " + TopicNames.REFERENCES + ".")
    String referencesTopic = TopicNames.REFERENCES;
    @Mixin
    KafkaOptions kafka;
    @Mixin
    ScoringOptions scoring;
    @Mixin
    ConsoleUrlOption console;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String id = target.alert != null ? target.alert : target.event;
        Path dir = out != null ? out : Path.of("examples", id.replaceAll("[^A-Za-z0-9._-]", "_"));
        Map<String, Object> consumer = new HashMap<>(kafka.kafkaProperties);
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        String registry = kafka.registryUrl();
        Topics defaults = Topics.defaults();
        Topics topics = new Topics(defaults.generations(), referencesTopic, defaults.scores(), defaults.deadLetters(),
                windowStatsTopic, alertsTopic);
        Settings.Imaging imaging = scoring.imaging();
        PrintWriter err = spec.commandLine().getErr();
        try (ScoringEngine engine = scoring.openEngine(BatchListener.NONE);
             SpatialMaps maps = new SpatialMaps(engine.model(), 4)) {
            Console.Sources sources = new Console.Sources(consumer, registry, topics,
                    new UriPolicy(fileRoots, Set.copyOf(httpHosts), imaging.limits().maxBytes(), Duration.ofSeconds(10)),
                    imaging.limits(), imaging.sizePolicy(), maps,
                    ExampleExport.referencesOnTopic(consumer, registry, topics.references()));
            ExampleExport.Written written = target.alert != null
                    ? ExampleExport.alert(sources, target.alert, dir, console.resolve())
                    : ExampleExport.event(sources, target.event, dir, console.resolve());
            written.problems().forEach(problem -> err.println("warning: " + problem));
            written.pictures().forEach(picture -> spec.commandLine().getOut().println(picture));
            spec.commandLine().getOut().println(written.index());
        }
        return 0;
    }
}
