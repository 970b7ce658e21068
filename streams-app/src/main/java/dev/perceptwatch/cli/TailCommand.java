package dev.perceptwatch.cli;

import dev.perceptwatch.client.AvroSerde;
import dev.perceptwatch.client.TopicNames;
import dev.perceptwatch.console.ConsoleLinks;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.WindowStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tail",
        description = {"Prints the service's output records as they arrive, decoded, one line each.",
                "Only committed records (read_committed). Ctrl-C, --max or --timeout stops.",
                "Reads every partition without a consumer group: it commits nothing.",
                "--model/--version keep the records of one model (version); dead letters without a model_id",
                "(the event could not be decoded that far) are left out then.",
                "An alert's line ends with the address of its page on the console (--console-url)."})
final class TailCommand implements Callable<Integer> {

    /** The tail-able topics, each with its record type and line. */
    enum OutputTopic {
        alerts(TopicNames.ALERTS, DriftAlert.class, r -> RecordLines.alert((DriftAlert) r)),
        scores(TopicNames.SCORES, QualityScore.class, r -> RecordLines.score((QualityScore) r)),
        dead_letters(TopicNames.DEAD_LETTERS, DeadLetter.class, r -> RecordLines.deadLetter((DeadLetter) r)),
        window_stats(TopicNames.WINDOW_STATS, WindowStats.class, r -> RecordLines.windowStats((WindowStats) r));

        final String topic;
        final Class<? extends SpecificRecord> type;
        final Function<SpecificRecord, String> line;

        OutputTopic(String topic, Class<? extends SpecificRecord> type, Function<SpecificRecord, String> line) {
            this.topic = topic;
            this.type = type;
            this.line = line;
        }

        /**
         * The record's field of that name (model_id, model_version), which every tail-able record has; null for
         * a dead letter whose event could not be read.
         */
        static String field(SpecificRecord record, String name) {
            Object value = record.get(record.getSchema().getField(name).pos());
            return value == null ? null : value.toString();
        }

        static OutputTopic parse(String name) {
            try {
                return valueOf(name.replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + name + "' is none of alerts, scores, dead-letters, window-stats");
            }
        }
    }

    @Parameters(index = "0", paramLabel = "alerts|scores|dead-letters|window-stats", converter = StreamConverter.class,
            description = "What to print.")
    OutputTopic stream;
    /** line: one human-readable line a record; jsonl: the JSON lines of {@code score --format jsonl} (scores only). */
    enum Format { line, jsonl }

    @Option(names = "--format", defaultValue = "line", paramLabel = "line|jsonl",
            description = "line (default) or jsonl: for scores, the JSON lines of score --format jsonl, "
                    + "which drift-eval --healthy/--changed replays.")
    Format format;
    @Option(names = "--from-beginning", description = "Start at the oldest record (default: only new records).")
    boolean fromBeginning;
    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    Long max;
    @Option(names = "--timeout", paramLabel = "D", converter = DurationConverter.class,
            description = "Stop when no record arrived for D (e.g. 30s).")
    Duration timeout;
    @Option(names = "--topic", description = "Read this topic instead of the stream's default.")
    String topic;
    @Option(names = "--model", paramLabel = "ID", description = "Only records whose model_id is ID (dead letters "
            + "without a model_id are left out); --max counts the printed ones, --timeout any record read.")
    String model;
    // Not -V/--version of the other commands: as in publish, --version is the model's version.
    @Option(names = {"--version", "--model-version"}, paramLabel = "V",
            description = "Only records whose model_version is V (with or without --model).")
    String version;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
    @Mixin
    KafkaOptions kafka;
    @Mixin
    ConsoleUrlOption console;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final class StreamConverter implements CommandLine.ITypeConverter<OutputTopic> {
        @Override
        public OutputTopic convert(String value) {
            return OutputTopic.parse(value);
        }
    }

    /** Whether --model and --version let the record through; a tombstone only when neither is given. */
    boolean selected(SpecificRecord value) {
        if (model == null && version == null) {
            return true;
        }
        return value != null && (model == null || model.equals(OutputTopic.field(value, "model_id")))
                && (version == null || version.equals(OutputTopic.field(value, "model_version")));
    }

    @Override
    public Integer call() {
        if (format == Format.jsonl && stream != OutputTopic.scores) {
            throw new IllegalArgumentException("--format jsonl is for scores only; use the default line format for "
                    + stream.name().replace('_', '-'));
        }
        String name = topic == null ? stream.topic : topic;
        kafka.requireReachable();
        AvroSerde<? extends SpecificRecord> serde = new AvroSerde<>(stream.type);
        serde.configure(Map.of(AvroSerde.SCHEMA_REGISTRY_URL, kafka.registryUrl()), false);
        Map<String, Object> config = new HashMap<>(kafka.kafkaProperties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        consoleUrl = console.resolve();
        CountDownLatch finished = new CountDownLatch(1);
        try (KafkaConsumer<byte[], SpecificRecord> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                (topicName, bytes) -> serde.deserialize(topicName, bytes))) {
            Thread stopper = new Thread(() -> {
                consumer.wakeup();
                awaitQuietly(finished);
            }, "perceptwatch-tail-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(name, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(name, p.partition())).toList();
                if (partitions.isEmpty()) {
                    throw new IllegalArgumentException("topic " + name + " does not exist");
                }
                consumer.assign(partitions);
                if (fromBeginning) {
                    consumer.seekToBeginning(partitions);
                } else {
                    consumer.seekToEnd(partitions);
                }
                // Positions resolved before --timeout starts counting: the lookup is a round trip per partition
                // that a slow broker must not spend from the quiet time.
                partitions.forEach(consumer::position);
                print(consumer, out, err);
            } catch (WakeupException e) {
                // Ctrl-C: a normal end.
            } finally {
                finished.countDown();
                removeHook(stopper);
            }
        }
        return 0;
    }

    /** Prints one record (never a tombstone) in the chosen format. */
    private Consumer<SpecificRecord> printer(PrintWriter out) {
        if (format == Format.jsonl) {
            ScoreRecordWriter writer = new ScoreRecordWriter(ScoreRecordWriter.Format.jsonl, out::println);
            return value -> writer.write((QualityScore) value);
        }
        return value -> out.println(line(value));
    }

    private void print(KafkaConsumer<byte[], SpecificRecord> consumer, PrintWriter out, PrintWriter err) {
        Consumer<SpecificRecord> printer = printer(out);
        // A tombstone has no JSON line: it is reported beside the records, not among them.
        PrintWriter tombstones = format == Format.jsonl ? err : out;
        long printed = 0;
        long lastRecord = System.nanoTime();
        while (max == null || printed < max) {
            if (timeout != null && System.nanoTime() - lastRecord > timeout.toNanos()) {
                return;
            }
            try {
                for (ConsumerRecord<byte[], SpecificRecord> record : consumer.poll(Duration.ofMillis(200))) {
                    lastRecord = System.nanoTime();
                    if (!selected(record.value())) {
                        continue;
                    }
                    if (record.value() == null) {
                        tombstones.println("tombstone at " + record.partition() + "@" + record.offset());
                    } else {
                        printer.accept(record.value());
                    }
                    if (max != null && ++printed >= max) {
                        break;
                    }
                }
                out.flush();
                tombstones.flush();
            } catch (RecordDeserializationException e) {
                err.println("error: undecodable record at " + e.topicPartition() + "@" + e.offset() + ": "
                        + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
                err.flush();
                consumer.seek(e.topicPartition(), e.offset() + 1);
            }
        }
    }

    private String consoleUrl;

    /** The record's line; an alert's ends with its console page, where its worst examples are shown. */
    String line(SpecificRecord value) {
        String line = stream.line.apply(value);
        return value instanceof DriftAlert alert
                ? line + " console=" + ConsoleLinks.alert(consoleUrl, alert.getAlertId()) : line;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down (Ctrl-C): the hook is running and waits for us.
        }
    }
}
