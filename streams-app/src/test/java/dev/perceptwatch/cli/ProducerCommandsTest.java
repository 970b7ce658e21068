package dev.perceptwatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.client.AvroSerde;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.MetricStats;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.events.Severity;
import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.scoring.classic.ClassicMetric;
import dev.perceptwatch.scoring.classic.ClassicMetrics;
import dev.perceptwatch.testing.Buffers;
import dev.perceptwatch.testing.KafkaBroker;
import dev.perceptwatch.testing.KafkaTestClients;
import dev.perceptwatch.testing.SchemaRegistry;
import dev.perceptwatch.testing.SharedFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** publish, publish-reference, tail and demo against a real broker and a real schema registry. */
@ExtendWith({KafkaBroker.Extension.class, SchemaRegistry.class})
class ProducerCommandsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void publishSendsOneEventPerFilePairedByNameWithAttributes(KafkaBroker kafka, SchemaRegistry.Server registry,
                                                               @TempDir Path dir) throws Exception {
        String topic = kafka.uniqueTopicName("generations");
        kafka.createTopics(3, topic);
        Path generated = Files.createDirectories(dir.resolve("generated"));
        Path references = Files.createDirectories(dir.resolve("references"));
        for (String name : List.of("a.png", "b.png")) {
            Files.write(generated.resolve(name), png(name.charAt(0)));
            Files.write(references.resolve(name), png(name.charAt(0) + 1));
        }

        CommandRun run = CommandRun.of("publish", "--model", "sdxl-faces", "--version", "v7",
                "--generated", generated.toString(), "--reference", references.toString(),
                "--attribute", "prompt_set=portraits", "--attribute", "sampler=ddim",
                "--bootstrap", kafka.bootstrapServers(), "--registry", registry.url(), "--topic", topic);

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(2, run.outLines().size(), run.toString());
        assertTrue(run.err().contains("published 2 of 2 events to " + topic + "; 0 failed"), run.err());
        Map<String, GenerationEvent> events = readEvents(kafka, registry, topic, 2);
        for (String line : run.outLines()) {
            // <event_id> <file> partition=P offset=O
            String[] fields = line.split(" ");
            GenerationEvent event = events.get(fields[0]);
            String name = Path.of(fields[1]).getFileName().toString();
            assertEquals("sdxl-faces", event.getModelId());
            assertEquals("v7", event.getModelVersion());
            assertEquals(Map.of("prompt_set", "portraits", "sampler", "ddim"), event.getAttributes());
            assertArrayEquals(png(name.charAt(0)), Buffers.bytes(event.getGenerated().getData()), line);
            assertArrayEquals(png(name.charAt(0) + 1), Buffers.bytes(event.getReference().getData()), line);
            assertEquals("image/png", event.getReference().getMediaType());
            assertTrue(fields[2].matches("partition=[0-2]") && fields[3].matches("offset=\\d+"), line);
        }
    }

    @Test
    void publishSendsUrisOrAReferenceIdAndReportsMissingReferences(KafkaBroker kafka, SchemaRegistry.Server registry,
                                                                   @TempDir Path dir) throws Exception {
        String topic = kafka.uniqueTopicName("generations");
        kafka.createTopics(1, topic);
        Path generated = Files.write(dir.resolve("g.png"), png(1));
        Path reference = Files.write(dir.resolve("r.png"), png(2));

        CommandRun byUri = CommandRun.of("publish", "--model", "m", "--version", "v1", "--uri",
                "--generated", generated.toString(), "--reference", reference.toString(),
                "--bootstrap", kafka.bootstrapServers(), "--registry", registry.url(), "--topic", topic);
        CommandRun byId = CommandRun.of("publish", "--model", "m", "--version", "v1",
                "--generated", generated.toString(), "--reference", "portrait-0001",
                "--bootstrap", kafka.bootstrapServers(), "--registry", registry.url(), "--topic", topic);
        Path emptyReferences = Files.createDirectories(dir.resolve("none"));
        CommandRun missing = CommandRun.of("publish", "--model", "m", "--version", "v1",
                "--generated", generated.toString(), "--reference", emptyReferences.toString(),
                "--bootstrap", kafka.bootstrapServers(), "--registry", registry.url(), "--topic", topic);

        assertEquals(0, byUri.exitCode(), byUri.toString());
        assertEquals(0, byId.exitCode(), byId.toString());
        Map<String, GenerationEvent> events = readEvents(kafka, registry, topic, 2);
        GenerationEvent uriEvent = events.get(byUri.outLines().get(0).split(" ")[0]);
        assertEquals(generated.toUri().toString(), uriEvent.getGenerated().getUri());
        assertEquals(reference.toUri().toString(), uriEvent.getReference().getUri());
        assertNull(uriEvent.getGenerated().getData());
        GenerationEvent idEvent = events.get(byId.outLines().get(0).split(" ")[0]);
        assertEquals("portrait-0001", idEvent.getReference().getReferenceId());
        assertArrayEquals(png(1), Buffers.bytes(idEvent.getGenerated().getData()));
        assertEquals(1, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("error: " + generated + ": no reference named g.png in " + emptyReferences),
                missing.err());
        assertTrue(missing.err().contains("published 0 of 1 events"), missing.err());
    }

    @Test
    void publishReferenceKeysTheImageByItsId(KafkaBroker kafka, SchemaRegistry.Server registry, @TempDir Path dir)
            throws Exception {
        String topic = kafka.uniqueTopicName("references");
        kafka.createTopics(1, topic);
        Path file = Files.write(dir.resolve("r.png"), png(9));

        CommandRun run = CommandRun.of("publish-reference", "--id", "portrait-0001", "--file", file.toString(),
                "--bootstrap", kafka.bootstrapServers(), "--registry", registry.url(), "--topic", topic);

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("portrait-0001 " + file + " partition=0 offset=0", run.out().strip());
        List<ConsumerRecord<String, ReferenceImage>> records = KafkaTestClients.readFromBeginning(
                kafka.bootstrapServers(), topic, 1, TIMEOUT, new StringDeserializer(), serde(ReferenceImage.class, registry));
        assertEquals("portrait-0001", records.get(0).key());
        assertArrayEquals(png(9), Buffers.bytes(records.get(0).value().getData()));
    }

    @Test
    void tailPrintsOneDecodedLinePerRecordAndStopsAtMax(KafkaBroker kafka, SchemaRegistry.Server registry)
            throws Exception {
        TailedTopics topics = TailedTopics.create(kafka);
        Instant time = Instant.parse("2025-11-23T12:00:00Z");
        produce(kafka, registry, topics.scores(), QualityScore.class, List.of(score("e1", 0.12345, 31.24, time),
                score("e2", 0.5, Double.POSITIVE_INFINITY, time.plusSeconds(1)), score("e3", 0.3, 20.0, time)));
        produce(kafka, registry, topics.alerts(), DriftAlert.class, List.of(alert(time)));
        produce(kafka, registry, topics.deadLetters(), DeadLetter.class, List.of(deadLetter(time)));

        CommandRun scoreLines = tail(kafka, registry, "scores", topics.scores(), "--max", "2");
        CommandRun alertLines = tail(kafka, registry, "alerts", topics.alerts(), "--timeout", "2s");
        CommandRun deadLetterLines = tail(kafka, registry, "dead-letters", topics.deadLetters(), "--max", "1");

        assertEquals(List.of(
                "2025-11-23T12:00:00Z faces/v7 e1 lpips=0.1235 ssim=0.9100 psnr=31.2dB mse=12.50 256x256",
                "2025-11-23T12:00:01Z faces/v7 e2 lpips=0.5000 ssim=0.9100 psnr=infdB mse=12.50 256x256"),
                scoreLines.outLines(), scoreLines.toString());
        assertEquals(List.of("2025-11-23T12:01:00Z FIRING WARNING lpips faces/v7: lpips rose from 0.10 to 0.30."
                + " | detector=effect-size statistic=10.000 threshold=3.000 mean=0.3000 baseline=0.1000±0.0200"
                + " p90=0.3500 baseline_p90=0.1200 n=100 window=2025-11-23T12:00:00Z..2025-11-23T12:01:00Z"
                + " worst=e1,e3 console=http://127.0.0.1:9401/alerts/a1"),   // --console-url's default
                alertLines.outLines(), alertLines.toString());
        assertEquals(List.of("2025-11-23T12:00:00Z MISSING_REFERENCE e9 (faces/v7): reference portrait-1 is not on"
                + " perceptwatch.references"), deadLetterLines.outLines(), deadLetterLines.toString());
    }

    @Test
    void tailModelAndVersionPrintOnlyThatModelsRecords(KafkaBroker kafka, SchemaRegistry.Server registry)
            throws Exception {
        TailedTopics topics = TailedTopics.create(kafka);
        Instant time = Instant.parse("2025-11-23T12:00:00Z");
        // The page's alert was published before tail started: --from-beginning finds it among other models'.
        produce(kafka, registry, topics.alerts(), DriftAlert.class, List.of(alert(time, "landscapes", "v3", "a"),
                alert(time, "faces", "v7", "b"), alert(time.plusSeconds(60), "landscapes", "v3", "c"),
                alert(time.plusSeconds(60), "faces", "v8", "d")));
        produce(kafka, registry, topics.scores(), QualityScore.class,
                List.of(score("e1", 0.1, 30.0, time, "landscapes", "v3"),
                        score("e2", 0.2, 30.0, time, "faces", "v7"), score("e3", 0.3, 30.0, time, "faces", "v8")));
        DeadLetter unreadable = DeadLetter.newBuilder(deadLetter(time)).setEventId(null).setModelId(null)
                .setModelVersion(null).setReason("BAD_SCHEMA").setMessage("not Avro").build();
        DeadLetter otherModel = DeadLetter.newBuilder(deadLetter(time)).setEventId("e8").setModelId("landscapes")
                .setModelVersion("v3").build();
        produce(kafka, registry, topics.deadLetters(), DeadLetter.class,
                List.of(unreadable, otherModel, deadLetter(time)));

        CommandRun faces = tail(kafka, registry, "alerts", topics.alerts(), "--model", "faces", "--timeout", "2s");
        CommandRun facesV7 = tail(kafka, registry, "alerts", topics.alerts(), "--model", "faces", "--version", "v7",
                "--timeout", "2s");
        CommandRun landscapesFirst = tail(kafka, registry, "alerts", topics.alerts(), "--model", "landscapes",
                "--max", "1");
        CommandRun scoresV8 = tail(kafka, registry, "scores", topics.scores(), "--model", "faces", "--model-version", "v8",
                "--timeout", "2s");
        CommandRun facesDeadLetters = tail(kafka, registry, "dead-letters", topics.deadLetters(), "--model", "faces",
                "--timeout", "2s");
        CommandRun allDeadLetters = tail(kafka, registry, "dead-letters", topics.deadLetters(), "--timeout", "2s");

        assertEquals(List.of("b: lpips rose from 0.10 to 0.30.", "d: lpips rose from 0.10 to 0.30."),
                summaries(faces), faces.toString());
        assertEquals(List.of("b: lpips rose from 0.10 to 0.30."), summaries(facesV7), facesV7.toString());
        assertEquals(List.of("a: lpips rose from 0.10 to 0.30."), summaries(landscapesFirst),
                landscapesFirst.toString());
        assertEquals(List.of("2025-11-23T12:00:00Z faces/v8 e3 lpips=0.3000 ssim=0.9100 psnr=30.0dB mse=12.50 256x256"),
                scoresV8.outLines(), scoresV8.toString());
        assertEquals(List.of("2025-11-23T12:00:00Z MISSING_REFERENCE e9 (faces/v7): reference portrait-1 is not on"
                + " perceptwatch.references"), facesDeadLetters.outLines(), facesDeadLetters.toString());
        assertEquals(3, allDeadLetters.outLines().size(), allDeadLetters.toString());
        assertEquals("2025-11-23T12:00:00Z BAD_SCHEMA -: not Avro", allDeadLetters.outLines().get(0));
    }

    /** The alerts' summaries (each alert's summary starts with its alert id here), in the order printed. */
    private static List<String> summaries(CommandRun run) {
        return run.outLines().stream().map(line -> line.substring(line.indexOf(": ") + 2, line.indexOf(" | ")))
                .toList();
    }

    @Test
    void demoDegradesOneModelAfterTheGivenTime(KafkaBroker kafka, SchemaRegistry.Server registry) throws Exception {
        String topic = kafka.uniqueTopicName("generations");
        kafka.createTopics(2, topic);

        CommandRun run = CommandRun.of("demo", "--images", SharedFiles.sharedDir().resolve("images").toString(),
                "--tile-size", "64", "--rate", "20", "--duration", "3s", "--degrade-after", "1500ms",
                "--recover-after", "1h", "--bootstrap", kafka.bootstrapServers(), "--registry", registry.url(),
                "--topic", topic);

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("demo: sdxl-faces/v1 is now degraded"), run.out());
        assertTrue(run.out().contains("demo: done, 60 events sent, 0 failed"), run.out());
        List<GenerationEvent> events = new ArrayList<>(readEvents(kafka, registry, topic, 60).values());
        Map<String, Long> perModel = events.stream().collect(Collectors.groupingBy(
                e -> e.getModelId() + "/" + e.getModelVersion(), Collectors.counting()));
        assertEquals(Map.of("sdxl-faces/v1", 30L, "sd15-landscapes/v3", 30L), perModel);
        // The degradation is in the pixels, not only in the labels: mean PSNR per (model, phase).
        Map<String, Double> psnr = events.stream().collect(Collectors.groupingBy(
                e -> e.getModelId() + " " + e.getAttributes().get("phase"), Collectors.averagingDouble(this::psnr)));
        assertEquals(Set.of("sdxl-faces baseline", "sdxl-faces degraded", "sd15-landscapes baseline"), psnr.keySet());
        assertTrue(psnr.get("sdxl-faces degraded") < psnr.get("sdxl-faces baseline") - 5, psnr.toString());
        assertTrue(psnr.get("sd15-landscapes baseline") > psnr.get("sdxl-faces degraded") + 5, psnr.toString());
    }

    private double psnr(GenerationEvent event) {
        try {
            RgbImage generated = ImageDecoder.decode(Buffers.bytes(event.getGenerated().getData()), "g", ImageLimits.defaults());
            RgbImage reference = ImageDecoder.decode(Buffers.bytes(event.getReference().getData()), "r", ImageLimits.defaults());
            double value = ClassicMetrics.compute(generated, reference, Set.of(ClassicMetric.PSNR)).psnr();
            return Double.isInfinite(value) ? 100 : value;
        } catch (Exception e) {
            throw new AssertionError("event " + event.getEventId() + " does not decode", e);
        }
    }

    private static CommandRun tail(KafkaBroker kafka, SchemaRegistry.Server registry, String stream, String topic,
                                   String... limit) {
        List<String> args = new ArrayList<>(List.of("tail", stream, "--from-beginning", "--topic", topic,
                "--bootstrap", kafka.bootstrapServers(), "--registry", registry.url()));
        args.addAll(List.of(limit));
        CommandRun run = CommandRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        return run;
    }

    private static QualityScore score(String eventId, double lpips, double psnr, Instant producedAt) {
        return score(eventId, lpips, psnr, producedAt, "faces", "v7");
    }

    private static QualityScore score(String eventId, double lpips, double psnr, Instant producedAt, String model,
                                      String version) {
        return QualityScore.newBuilder().setEventId(eventId).setModelId(model).setModelVersion(version)
                .setProducedAt(producedAt).setScoredAt(producedAt.plusMillis(40)).setLpips(lpips).setSsim(0.91)
                .setPsnr(psnr).setMse(12.5).setWidth(256).setHeight(256).setScorerModel("lpips-alex")
                .setScorerSha256("abc").build();
    }

    private static DriftAlert alert(Instant time) {
        return alert(time, "faces", "v7", null);
    }

    /** With an id, the summary starts with it, so that tests tell the alerts of one model apart. */
    private static DriftAlert alert(Instant time, String model, String version, String id) {
        MetricStats observed = MetricStats.newBuilder().setMetric("lpips").setCount(100).setMean(0.3).setStd(0.05)
                .setMin(0.1).setMax(0.5).setP50(0.3).setP90(0.35).setP99(0.45).build();
        return DriftAlert.newBuilder().setAlertId("a1").setModelId(model).setModelVersion(version).setMetric("lpips")
                .setState(AlertState.FIRING).setSeverity(Severity.WARNING).setDetector("effect-size")
                .setWindowStart(time).setWindowEnd(time.plusSeconds(60)).setObserved(observed).setBaselineMean(0.1)
                .setBaselineStd(0.02).setBaselineP90(0.12).setStatistic(10).setThreshold(3)
                .setWorstEventIds(List.of("e1", "e3"))
                .setSummary((id == null ? "" : id + ": ") + "lpips rose from 0.10 to 0.30.").build();
    }

    private static DeadLetter deadLetter(Instant time) {
        return DeadLetter.newBuilder().setEventId("e9").setModelId("faces").setModelVersion("v7")
                .setReason("MISSING_REFERENCE").setMessage("reference portrait-1 is not on perceptwatch.references")
                .setSourceTopic("perceptwatch.generations").setSourcePartition(0).setSourceOffset(5)
                .setFailedAt(time).build();
    }

    private static <T extends SpecificRecord> void produce(KafkaBroker kafka, SchemaRegistry.Server registry,
                                                           String topic, Class<T> type, List<T> records) {
        try (KafkaProducer<byte[], T> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), new ByteArraySerializer(), serde(type, registry))) {
            records.forEach(record -> producer.send(new ProducerRecord<>(topic, record)));
        }
    }

    private static Map<String, GenerationEvent> readEvents(KafkaBroker kafka, SchemaRegistry.Server registry,
                                                           String topic, int count) {
        List<ConsumerRecord<String, GenerationEvent>> records = KafkaTestClients.readFromBeginning(
                kafka.bootstrapServers(), topic, count, TIMEOUT, new StringDeserializer(),
                serde(GenerationEvent.class, registry));
        assertEquals(count, records.size(), "events on " + topic);
        records.forEach(r -> assertEquals(r.value().getEventId(), r.key(), "records are keyed by event_id"));
        return records.stream().collect(Collectors.toMap(r -> r.key(), ConsumerRecord::value));
    }

    private static <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type, SchemaRegistry.Server registry) {
        AvroSerde<T> serde = new AvroSerde<>(type);
        serde.configure(Map.of(AvroSerde.SCHEMA_REGISTRY_URL, registry.url()), false);
        return serde;
    }

    /** A small PNG whose pixels depend on {@code seed}, so that files are told apart by content. */
    private static byte[] png(int seed) {
        byte[] rgb = new byte[4 * 4 * 3];
        java.util.Arrays.fill(rgb, (byte) seed);
        return ImageEncoder.png(new RgbImage(4, 4, rgb));
    }

    /** The output topics tail reads, each a test's own, one partition each. */
    private record TailedTopics(String scores, String alerts, String deadLetters) {
        static TailedTopics create(KafkaBroker kafka) throws Exception {
            TailedTopics topics = new TailedTopics(kafka.uniqueTopicName("scores"), kafka.uniqueTopicName("alerts"),
                    kafka.uniqueTopicName("dead-letters"));
            kafka.createTopics(1, topics.scores(), topics.alerts(), topics.deadLetters());
            return topics;
        }
    }
}
