package dev.perceptwatch.topology;

import static dev.perceptwatch.contract.RejectReason.BAD_EVENT;
import static dev.perceptwatch.contract.RejectReason.BAD_SCHEMA;
import static dev.perceptwatch.contract.RejectReason.FETCH_FAILED;
import static dev.perceptwatch.contract.RejectReason.IMAGE_TOO_LARGE;
import static dev.perceptwatch.contract.RejectReason.IMAGE_TOO_SMALL;
import static dev.perceptwatch.contract.RejectReason.INTERNAL_ERROR;
import static dev.perceptwatch.contract.RejectReason.MISSING_REFERENCE;
import static dev.perceptwatch.contract.RejectReason.SCORING_FAILED;
import static dev.perceptwatch.contract.RejectReason.SIZE_MISMATCH;
import static dev.perceptwatch.contract.RejectReason.UNDECODABLE_IMAGE;
import static dev.perceptwatch.contract.RejectReason.URI_FORBIDDEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.perceptwatch.client.PerceptWatchPublisher;
import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.service.PerceptWatchService;
import dev.perceptwatch.testing.PngHeaders;
import dev.perceptwatch.testing.SchemaRegistry;
import dev.perceptwatch.testing.SharedFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standing bad-input test (issue 23): the real service, as its own process, on a broker process with the
 * broker's default timestamp limits ({@code message.timestamp.after.max.ms} one hour), gets each kind of bad
 * input between good events: the cases that stopped the service for good (produced_at far ahead, blank and
 * over-long ids), the documented bad inputs of the README's "Bad input", a CMYK JPEG, and a dead letter too
 * large for its topic, which the broker refuses. Every event gets exactly one result with its documented
 * reason, every good event is scored, the service stays up through it and after a restart (SIGKILL), and the
 * windows of the good events are each published once, with their counts.
 *
 * <p>Every {@link RejectReason} has a case here, through the real registry, broker, service and model, but
 * {@code INPUT_EXPIRED}, which needs events expired while the service is down: {@link PendingReplayTest}.
 * The one failure of the model that an input can bring about in a healthy service is memory: the service runs
 * with a 32 MiB direct-memory limit, where the native buffers of a 2048 x 2048 pair (48 MiB of floats an
 * image) cannot be had, while the 64 x 64 pairs of the other events need well under 1 MiB.
 */
@ExtendWith(SchemaRegistry.class)
class BadInputTest {
    private static final Logger LOG = LoggerFactory.getLogger(BadInputTest.class);
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final Duration RESULTS_TIMEOUT = Duration.ofMinutes(3);
    /** The dead-letters topic takes less than the generations topic: what an operator may get wrong. */
    private static final int DEAD_LETTER_TOPIC_MAX_BYTES = 1 << 20;
    /** The event id of a made event until {@link Kind#at} gives it the case's id (the record key is the id). */
    private static final String UNSET_ID = "unset";
    private static final List<String> STOPPED = List.of("-> ERROR", "-> PENDING_ERROR", "-> PENDING_SHUTDOWN",
            "-> NOT_RUNNING");
    /** Room for the native buffers of small pairs and of the Kafka clients' socket reads, not for a 2048² pair. */
    private static final String DIRECT_MEMORY_LIMIT = "-XX:MaxDirectMemorySize=32m";
    /** The side of the pair the model cannot take under that limit, within the default pixel limit. */
    private static final int TOO_LARGE_FOR_MEMORY = 2048;

    @TempDir
    Path dir;

    /**
     * One input: its record value, the reason it must get (null: scored), a part of its dead letter's message
     * that tells the reason came from the intended failure (null: any), and whether its dead letter counts as an
     * error in its model's window (valid ids and a valid event time).
     */
    private record Case(String id, byte[] value, RejectReason reason, String messagePart, boolean windowError,
                        Instant producedAt) {
    }

    /** A new reason fails here until it has a case below (or a test of its own, named here). */
    @Test
    void everyRejectReasonHasAnEndToEndCase() throws IOException {
        Set<RejectReason> covered = EnumSet.of(RejectReason.INPUT_EXPIRED);   // PendingReplayTest
        for (Kind kind : badInputs(1, "http://127.0.0.1:1", dir)) {
            if (kind.reason() != null) {
                covered.add(kind.reason());
            }
        }
        assertEquals(EnumSet.allOf(RejectReason.class), covered);
    }

    @Test
    void everyBadInputGetsItsReasonAndTheServiceNeverStops(SchemaRegistry.Server registry) throws Exception {
        try (ProcessBroker broker = new ProcessBroker(dir.resolve("broker"))) {
            String bootstrap = broker.start(null);
            PipelineTopics topics;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                topics = PipelineTopics.create(admin, "bad-input");
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topics.deadLetters()),
                        List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                                Integer.toString(DEAD_LETTER_TOPIC_MAX_BYTES)), AlterConfigOp.OpType.SET)))).all().get();
            }
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            Path fileRoot = Files.createDirectories(dir.resolve("images"));
            // Windows of 10 s with a grace that outlasts any scoring delay on a loaded machine: no good event is
            // late, so each window's count is known.
            Path config = ServiceConfig.write(dir, bootstrap, registry.url(), topics, Map.of(
                    "windows.size", "10s", "windows.grace", "30s", "kafka.commit.interval.ms", "200",
                    "uri.http-hosts", "127.0.0.1", "uri.file-roots", fileRoot.toString(),
                    "drift.warmup-windows", "1000"));
            AvroSerdes serdes = PerceptWatchService.registrySerdes(ServiceConfig.load(config).kafka());
            Path log = Path.of(System.getProperty("user.dir"), "target", "bad-input", "service.log");
            try (PipelineInput input = new PipelineInput(bootstrap, serdes, topics, Map.of());
                 PipelineOutputs outputs = new PipelineOutputs(bootstrap, serdes, topics);
                 ImageServer images = new ImageServer(SharedFiles.imageBytes("ex_p0.png"));
                 ServiceProcess service = new ServiceProcess(config, log, dir, List.of(DIRECT_MEMORY_LIMIT))) {
                input.reference(TestEvents.reference(MixedTraffic.REFERENCE_ID, SharedFiles.imageBytes("ex_ref.png")));
                service.start();
                assertTrue(service.awaitRunning(Duration.ofMinutes(2)), "the service did not start");

                List<Case> sent = new ArrayList<>();
                int[] good = {0};
                Function<Instant, Case> goodEvent = now -> {
                    String id = "good-" + good[0]++;
                    return new Case(id, input.avro(TestEvents.exampleP0(id, now)), null, null, false, now);
                };
                for (Kind bad : badInputs(closedPort, images.base(), fileRoot)) {
                    send(input, goodEvent.apply(Instant.now()), sent);
                    send(input, bad.at(input, Instant.now()), sent);
                }
                send(input, goodEvent.apply(Instant.now()), sent);
                awaitResults(outputs, sent, service);
                assertStillRunning(service, "after the bad inputs");

                // A dead letter read again after a restart stopped the service again: restart it.
                assertEquals(137, service.kill());
                service.start();
                assertTrue(service.awaitRunning(Duration.ofMinutes(2)), "the service did not start again");
                for (int i = 0; i < 5; i++) {
                    send(input, goodEvent.apply(Instant.now()), sent);
                }
                // Scored first: the closer moves stream time a minute ahead, and a score after it would be late.
                awaitResults(outputs, sent, service);
                // Far enough ahead to close every window before it (a minute is within windows.max-future-skew).
                Case closer = goodEvent.apply(Instant.now().plus(Duration.ofMinutes(1)));
                send(input, closer, sent);
                awaitResults(outputs, sent, service);

                Map<Instant, int[]> expected = expectedWindows(sent, closer);
                List<WindowStats> windows = awaitWindows(bootstrap, serdes, topics, expected.size());
                assertStillRunning(service, "after the restart and the windows");
                int stopStatus = service.stop(Duration.ofSeconds(60));
                outputs.readToEnd(Duration.ofMinutes(1));

                outputs.assertExactlyOnce(sent.stream().map(Case::id).toList());
                assertEquals(Map.of(), misrouted(sent, outputs), "events whose result is not the documented one");
                assertEquals(expectedText(expected), windowText(windows),
                        "faces/v7's windows: each once, with its scored events and its errors (count, errors)");
                assertTrue(stopStatus == 0 || stopStatus == 128 + 15, "SIGTERM stops the service cleanly (an ERROR"
                        + " state exits 1, a stop past 60 s is -1): " + stopStatus);
                LOG.info("bad input: {} events ({} good) each with its one documented result; {} windows once each; "
                                + "{} internal errors logged", sent.size(), good[0], windows.size(),
                        service.countInLog("internal error ("));
            } catch (Throwable failure) {
                LOG.error("bad-input test failed; service output in {}", log);
                throw failure;
            }
        }
    }

    /**
     * A kind of bad input: its event made at the time it is sent (or raw bytes), the reason it must get (null:
     * scored), a part of its dead letter's message (null: any), and whether its dead letter counts as an error in
     * faces/v7's window (valid ids and event time).
     */
    private record Kind(String name, Function<Instant, GenerationEvent> event, byte[] raw, RejectReason reason,
                        String messagePart, boolean windowError) {
        Case at(PipelineInput input, Instant now) {
            String id = "bad-" + name;
            if (event == null) {
                return new Case(id, raw, reason, messagePart, windowError, null);
            }
            GenerationEvent made = event.apply(now);
            if (made.getEventId().equals(UNSET_ID)) {   // a case about the event id keeps its own
                made = GenerationEvent.newBuilder(made).setEventId(id).build();
            }
            return new Case(id, input.avro(made), reason, messagePart, windowError, made.getProducedAt());
        }
    }

    private static Kind kind(String name, Function<Instant, GenerationEvent> event, RejectReason reason,
                             boolean windowError) {
        return new Kind(name, event, null, reason, null, windowError);
    }

    /** A case whose dead letter must say {@code messagePart}: its reason has more than one cause. */
    private static Kind kind(String name, Function<Instant, GenerationEvent> event, RejectReason reason,
                             String messagePart) {
        return new Kind(name, event, null, reason, messagePart, true);
    }

    /**
     * @param httpBase an {@link ImageServer}'s base url
     * @param fileRoot the service's one {@code uri.file-roots} entry
     */
    private List<Kind> badInputs(int closedPort, String httpBase, Path fileRoot) throws IOException {
        byte[] generated = SharedFiles.imageBytes("ex_p0.png");
        byte[] reference = SharedFiles.imageBytes("ex_ref.png");
        byte[] cmyk = resource("cmyk-48x40.jpg");
        byte[] ycck = resource("ycck-48x40.jpg");
        byte[] noise = new byte[2 << 20];
        new Random(23).nextBytes(noise);
        byte[] largeGenerated = png(TOO_LARGE_FOR_MEMORY, TOO_LARGE_FOR_MEMORY, 0x808080);
        byte[] largeReference = png(TOO_LARGE_FOR_MEMORY, TOO_LARGE_FOR_MEMORY, 0x909090);
        return List.of(
                // Issue 23: each of these stopped the service for good.
                kind("a-day-ahead", now -> event(now.plus(Duration.ofDays(1))), BAD_EVENT, false),
                kind("ten-years-ahead", now -> event(now.plus(Duration.ofDays(3653))), BAD_EVENT, false),
                kind("microseconds", now -> event(Instant.ofEpochMilli(now.toEpochMilli() * 1000)), BAD_EVENT, false),
                kind("long-max", now -> event(Instant.ofEpochMilli(Long.MAX_VALUE)), BAD_EVENT, false),
                kind("half-an-hour-ahead", now -> event(now.plus(Duration.ofMinutes(30))), BAD_EVENT, false),
                kind("empty-model", now -> ids(now, "", "v7"), BAD_EVENT, false),
                kind("blank-model", now -> ids(now, "   ", "v7"), BAD_EVENT, false),
                kind("empty-version", now -> ids(now, "faces", ""), BAD_EVENT, false),
                kind("blank-version", now -> ids(now, "faces", "  "), BAD_EVENT, false),
                kind("control-character", now -> ids(now, "fa\u0000ces", "v7"), BAD_EVENT, false),
                kind("over-long-model", now -> ids(now, "m".repeat(300), "v7"), BAD_EVENT, false),
                kind("cmyk-jpeg", now -> images(now, TestEvents.inline(cmyk),
                        TestEvents.inline(ycck)), null, false),
                kind("refused-dead-letter", now -> images(now, TestEvents.inline(noise), TestEvents.inline(reference)),
                        INTERNAL_ERROR, false),
                // README, "Bad input".
                new Kind("not-avro", null, "not avro".getBytes(StandardCharsets.UTF_8), BAD_SCHEMA, null, false),
                new Kind("no-value", null, null, BAD_SCHEMA, null, false),
                kind("before-1970", now -> event(Instant.ofEpochMilli(-1000)), BAD_EVENT, false),
                kind("blank-event-id", now -> GenerationEvent.newBuilder(event(now)).setEventId(" ").build(),
                        BAD_EVENT, true),
                kind("two-sources", now -> images(now, ImageSource.newBuilder(TestEvents.inline(generated))
                        .setUri("file:///etc/passwd").build(), TestEvents.inline(reference)), BAD_EVENT, true),
                kind("missing-reference", now -> images(now, TestEvents.inline(generated),
                        TestEvents.referenceId("no-such-reference")), MISSING_REFERENCE, true),
                kind("truncated", now -> images(now, TestEvents.inline(SharedFiles.imageBytes("truncated.jpg")),
                        TestEvents.inline(reference)), UNDECODABLE_IMAGE, true),
                kind("huge-header", now -> images(now, TestEvents.inline(PngHeaders.headerOnly(100_000, 100_000)),
                        TestEvents.inline(reference)), IMAGE_TOO_LARGE, true),
                kind("tiny", now -> images(now, TestEvents.inline(png(16, 16)), TestEvents.inline(png(16, 16))),
                        IMAGE_TOO_SMALL, true),
                kind("size-mismatch", now -> images(now, TestEvents.inline(generated), TestEvents.inline(cmyk)),
                        SIZE_MISMATCH, true),
                kind("file-uri", now -> images(now, TestEvents.uri("file:///etc/passwd"), TestEvents.inline(reference)),
                        URI_FORBIDDEN, true),
                kind("unreachable-host", now -> images(now, TestEvents.uri("http://127.0.0.1:" + closedPort + "/a.png"),
                        TestEvents.inline(reference)), FETCH_FAILED, true),
                // The server of the two below, seen to serve.
                kind("http-uri", now -> images(now, TestEvents.uri(httpBase + ImageServer.IMAGE),
                        TestEvents.inline(reference)), null, false),
                kind("http-404", now -> images(now, TestEvents.uri(httpBase + "/no-such.png"),
                        TestEvents.inline(reference)), FETCH_FAILED, "HTTP status 404"),
                kind("http-500", now -> images(now, TestEvents.uri(httpBase + ImageServer.FAILING),
                        TestEvents.inline(reference)), FETCH_FAILED, "HTTP status 500"),
                kind("missing-file", now -> images(now, TestEvents.uri(fileRoot.resolve("no-such.png").toUri()
                        .toString()), TestEvents.inline(reference)), FETCH_FAILED, "cannot read"),
                kind("too-large-for-memory", now -> images(now, TestEvents.inline(largeGenerated),
                        TestEvents.inline(largeReference)), SCORING_FAILED, "direct buffer memory"));
    }

    private static GenerationEvent event(Instant producedAt) {
        return TestEvents.exampleP0(UNSET_ID, producedAt);
    }

    private static GenerationEvent ids(Instant now, String modelId, String modelVersion) {
        return GenerationEvent.newBuilder(event(now)).setModelId(modelId).setModelVersion(modelVersion).build();
    }

    private static GenerationEvent images(Instant now, ImageSource generated, ImageSource reference) {
        return TestEvents.event(UNSET_ID, generated, reference, now);
    }

    private byte[] resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/images/" + name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] png(int width, int height) {
        return png(width, height, 0);
    }

    /** One colour: a 2048 x 2048 one is a few KiB. */
    private static byte[] png(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(new Color(rgb));
        graphics.fillRect(0, 0, width, height);
        graphics.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void send(PipelineInput input, Case next, List<Case> sent) {
        input.sendRaw(next.id(), next.value());
        input.flush();
        sent.add(next);
    }

    private static void awaitResults(PipelineOutputs outputs, List<Case> sent, ServiceProcess service)
            throws InterruptedException {
        List<String> ids = sent.stream().map(Case::id).toList();
        long deadline = System.nanoTime() + RESULTS_TIMEOUT.toNanos();
        while (!outputs.awaitResults(ids, Duration.ofSeconds(1)) && System.nanoTime() < deadline) {
            assertTrue(service.isAlive(), () -> "the service died:\n" + service.tail(60));
        }
        assertTrue(outputs.awaitResults(ids, Duration.ZERO), () -> "results for " + outputs.counts().size() + " of "
                + ids.size() + " events; service output:\n" + service.tail(60));
    }

    private static void assertStillRunning(ServiceProcess service, String when) {
        assertTrue(service.isAlive(), () -> "the service died " + when + ":\n" + service.tail(60));
        for (String stopped : STOPPED) {
            assertEquals(0, service.countInLog(stopped),
                    () -> "kafka streams went " + stopped + " " + when + ":\n" + service.tail(60));
        }
    }

    private static Map<String, String> misrouted(List<Case> sent, PipelineOutputs outputs) {
        Map<String, String> actual = new HashMap<>();
        outputs.scores().stream().map(QualityScore::getEventId).forEach(id -> actual.put(id, "SCORED"));
        outputs.deadLetters().forEach(letter -> actual.put(PipelineOutputs.eventIdOf(letter), letter.getReason()));
        Map<String, String> wrong = new TreeMap<>();
        for (Case next : sent) {
            String expected = next.reason() == null ? "SCORED" : next.reason().name();
            String message = messageOf(outputs, next.id());
            if (!expected.equals(actual.get(next.id()))
                    || next.messagePart() != null && !message.contains(next.messagePart())) {
                wrong.put(next.id(), expected + (next.messagePart() == null ? "" : " saying '" + next.messagePart()
                        + "'") + " expected, got " + actual.get(next.id()) + message);
            }
        }
        return wrong;
    }

    private static String messageOf(PipelineOutputs outputs, String id) {
        return outputs.deadLetters().stream().filter(letter -> PipelineOutputs.eventIdOf(letter).equals(id))
                .map(letter -> ": " + letter.getMessage()).findFirst().orElse("");
    }

    /** Window start -> {scored events, errors} of faces/v7, for the windows before the closer's. */
    private static Map<Instant, int[]> expectedWindows(List<Case> sent, Case closer) {
        Instant closed = windowOf(closer.producedAt());
        Map<Instant, int[]> windows = new TreeMap<>();
        for (Case next : sent) {
            boolean scored = next.reason() == null && next != closer;
            if ((scored || next.windowError()) && windowOf(next.producedAt()).isBefore(closed)) {
                windows.computeIfAbsent(windowOf(next.producedAt()), start -> new int[2])[scored ? 0 : 1]++;
            }
        }
        return windows;
    }

    private static Instant windowOf(Instant time) {
        long size = WINDOW.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(time.toEpochMilli(), size) * size);
    }

    private static String expectedText(Map<Instant, int[]> expected) {
        StringBuilder text = new StringBuilder();
        expected.forEach((start, counts) -> text.append(start).append(' ').append(counts[0]).append(", ")
                .append(counts[1]).append('\n'));
        return text.toString();
    }

    /** faces/v7's windows in order of publication, so a window published twice shows twice. */
    private static String windowText(List<WindowStats> windows) {
        StringBuilder text = new StringBuilder();
        windows.stream().filter(w -> w.getModelId().equals("faces") && w.getModelVersion().equals("v7"))
                .sorted((a, b) -> a.getWindowStart().compareTo(b.getWindowStart()))
                .forEach(w -> text.append(w.getWindowStart()).append(' ').append(w.getCount()).append(", ")
                        .append(w.getErrors()).append('\n'));
        return text.toString();
    }

    /**
     * The window-stats topic, read_committed, once at least {@code expected} windows are there and a little
     * longer, so that a window published twice would be seen.
     */
    private static List<WindowStats> awaitWindows(String bootstrap, AvroSerdes serdes, PipelineTopics topics,
                                                  int expected) {
        Deserializer<WindowStats> reader = serdes.valueSerde(WindowStats.class).deserializer();
        List<WindowStats> windows = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PerceptWatchPublisher.MAX_RECORD_BYTES),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topics.windowStats(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + RESULTS_TIMEOUT.toNanos();
            long settled = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settled)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    windows.add(reader.deserialize(record.topic(), record.value()));
                }
                if (windows.size() >= expected && settled == Long.MAX_VALUE) {
                    settled = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                }
            }
        }
        return windows;
    }

    /** Serves one image at {@link #IMAGE}, HTTP 500 at {@link #FAILING} and 404 elsewhere, on the loopback address. */
    private static final class ImageServer implements AutoCloseable {
        static final String IMAGE = "/image.png";
        static final String FAILING = "/failing.png";
        private final HttpServer server;

        ImageServer(byte[] image) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                if (path.equals(IMAGE)) {
                    exchange.sendResponseHeaders(200, image.length);
                    exchange.getResponseBody().write(image);
                } else {
                    exchange.sendResponseHeaders(path.equals(FAILING) ? 500 : 404, -1);
                }
                exchange.close();
            });
            server.start();
        }

        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
