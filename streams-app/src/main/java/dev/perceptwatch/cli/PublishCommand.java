package dev.perceptwatch.cli;

import dev.perceptwatch.client.GenerationEvents;
import dev.perceptwatch.client.PerceptWatchPublisher;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "publish",
        description = {"Publishes generation events made from image files to perceptwatch.generations.",
                "Files pair as in `score`: two files, a directory against one reference, two directories by name.",
                "A --reference that is no file or directory is a reference_id (see publish-reference).",
                "Prints one line per event (event_id, file, partition, offset); errors and a summary go to stderr.",
                "Exit code 1 when any event failed."})
final class PublishCommand implements Callable<Integer> {
    private static final int IN_FLIGHT = 64;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
    @Option(names = "--model", required = true, description = "model_id of the events, e.g. sdxl-faces.")
    String model;
    // Not -V/--version of the other commands: here --version is the model's version, as producers say it.
    @Option(names = {"--version", "--model-version"}, required = true, paramLabel = "V", description = "model_version, e.g. v7.")
    String version;
    @Option(names = "--generated", required = true, paramLabel = "FILE|DIR", description = "Generated image(s).")
    Path generated;
    @Option(names = "--reference", required = true, paramLabel = "FILE|DIR|ID",
            description = "Reference image(s), or the reference_id of a published reference.")
    String reference;
    @Option(names = "--uri", description = "Send file:// URIs of the files instead of their bytes (the service must be allowed to read them).")
    boolean uri;
    @Option(names = "--inline", description = "Send the images' bytes in the events (the default).")
    boolean inline;
    @Option(names = "--attribute", paramLabel = "KEY=VALUE", description = "An attribute of every event; repeatable.")
    Map<String, String> attributes = new LinkedHashMap<>();
    @Mixin
    GenerationsTarget target;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private record Sent(Path file, String eventId, CompletableFuture<RecordMetadata> result) {
    }

    @Override
    public Integer call() {
        if (uri && inline) {
            throw new IllegalArgumentException("--uri and --inline exclude each other");
        }
        Path referencePath = Path.of(reference);
        boolean referenceFiles = Files.exists(referencePath);
        List<PairFiles.FilePair> pairs = referenceFiles
                ? PairFiles.list(generated, referencePath)
                : PairFiles.files(generated).stream().map(file -> new PairFiles.FilePair(file, null)).toList();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        target.requireReachable();
        try (PerceptWatchPublisher publisher = target.open()) {
            Deque<Sent> inFlight = new ArrayDeque<>();
            for (PairFiles.FilePair pair : pairs) {
                if (referenceFiles && pair.reference() == null) {
                    err.println("error: " + pair.generated() + ": no reference named " + pair.generated().getFileName()
                            + " in " + referencePath);
                    failed++;
                    continue;
                }
                GenerationEvent event;
                try {
                    event = event(pair, referenceFiles);
                } catch (UncheckedIOException e) {
                    err.println("error: " + e.getMessage() + ": " + e.getCause().getMessage());
                    failed++;
                    continue;
                }
                inFlight.add(new Sent(pair.generated(), event.getEventId(), publisher.publish(event)));
                if (inFlight.size() >= IN_FLIGHT) {
                    failed += report(inFlight.poll(), out, err);
                }
            }
            while (!inFlight.isEmpty()) {
                failed += report(inFlight.poll(), out, err);
            }
        }
        int total = pairs.size();
        err.printf("published %d of %d events to %s; %d failed%n", total - failed, total, target.topic(), failed);
        err.flush();
        return failed > 0 ? 1 : 0;
    }

    private GenerationEvent event(PairFiles.FilePair pair, boolean referenceFiles) {
        ImageSource referenceSource = referenceFiles ? source(pair.reference())
                : GenerationEvents.referenceIdImage(reference);
        return GenerationEvents.of(model, version, source(pair.generated()), referenceSource)
                .setAttributes(new LinkedHashMap<>(attributes))
                .build();
    }

    private ImageSource source(Path file) {
        if (uri) {
            return GenerationEvents.uriImage(file.toAbsolutePath().normalize().toUri().toString());
        }
        try {
            return GenerationEvents.inlineImage(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Prints the event's line, or its error; returns 1 when it failed. */
    private static int report(Sent sent, PrintWriter out, PrintWriter err) {
        try {
            RecordMetadata metadata = sent.result().join();
            out.printf("%s %s partition=%d offset=%d%n", sent.eventId(), sent.file(), metadata.partition(),
                    metadata.offset());
            out.flush();
            return 0;
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            err.println("error: " + sent.file() + " (event " + sent.eventId() + "): " + cause.getMessage());
            return 1;
        }
    }
}
