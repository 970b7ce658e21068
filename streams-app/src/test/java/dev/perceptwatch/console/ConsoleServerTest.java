package dev.perceptwatch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.perceptwatch.client.AvroSerde;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.SettingsSource;
import dev.perceptwatch.config.Topics;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.events.MetricStats;
import dev.perceptwatch.events.Severity;
import dev.perceptwatch.events.WorstExample;
import dev.perceptwatch.imaging.Distortions;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.imaging.SizePolicy;
import dev.perceptwatch.ingest.UriPolicy;
import dev.perceptwatch.scoring.BatchListener;
import dev.perceptwatch.scoring.ScoringEngine;
import dev.perceptwatch.scoring.SpatialMaps;
import dev.perceptwatch.testing.KafkaBroker;
import dev.perceptwatch.testing.SchemaRegistry;
import dev.perceptwatch.testing.SharedFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console against a real broker, registry and model, with the records it reads written by hand: what an
 * alert page shows of each example, and each bad case (unknown ids, a record deleted by retention, a uri outside
 * the policy, an image over the limits, a missing or wrong token, more requests than the limit).
 */
@ExtendWith({KafkaBroker.Extension.class, SchemaRegistry.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleServerTest {
    private static final String TOKEN = "s3cret-token";
    private static final String XSS_ID = "<img src=x onerror=alert(1)>";
    private static final String MARKUP_URI = "http://evil.example/\"><script>alert(3)</script>.png";
    private static final Instant T0 = Instant.now().minus(Duration.ofHours(1));

    private ScoringEngine engine;
    private SpatialMaps maps;
    private Console console;
    private HttpServer images;
    private final AtomicInteger forbiddenHits = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong bigBytesSent = new java.util.concurrent.atomic.AtomicLong();
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newHttpClient();
    private String alertId;
    private Topics topics;
    private long slowOffset;
    private long markupUriOffset;
    private long bigUriOffset;
    private long forbiddenOffset;
    private long largeOffset;

    @BeforeAll
    void start(KafkaBroker kafka, SchemaRegistry.Server registry) throws Exception {
        topics = new Topics(kafka.uniqueTopicName("generations"), kafka.uniqueTopicName("references"),
                kafka.uniqueTopicName("scores"), kafka.uniqueTopicName("dead-letters"),
                kafka.uniqueTopicName("window-stats"), kafka.uniqueTopicName("alerts"));
        kafka.createTopics(1, topics.generations(), topics.references(), topics.windowStats(), topics.alerts());

        byte[] slowImage = SharedFiles.imageBytes("ex_p0.png");
        images = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        images.createContext("/forbidden.png", exchange -> {
            forbiddenHits.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        images.createContext("/slow.png", exchange -> {
            try {
                releaseSlow.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, slowImage.length);
            exchange.getResponseBody().write(slowImage);
            exchange.close();
        });
        // Twice the policy's 1 MiB: the console stops reading after the limit.
        images.createContext("/big.png", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (var body = exchange.getResponseBody()) {
                byte[] chunk = new byte[64 << 10];
                for (int sent = 0; sent < 2 << 20; sent += chunk.length) {
                    body.write(chunk);
                    bigBytesSent.addAndGet(chunk.length);
                }
            } catch (java.io.IOException e) {
                // The console closed the connection once over the limit.
            }
        });
        images.setExecutor(Executors.newCachedThreadPool());
        images.start();
        int port = images.getAddress().getPort();

        RgbImage large = Distortions.gaussianBlur(new RgbImage(128, 128, new byte[128 * 128 * 3]), 1);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        AvroSerde<GenerationEvent> events = serde(GenerationEvent.class, registry);
        List<WorstExample> worst = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            // At offset 0, deleted below as retention would.
            WorstExample gone = example(producer, events, topics.generations(), event("e-gone",
                    inline(SharedFiles.imageBytes("ex_p1.png"), "image/png"),
                    inline(SharedFiles.imageBytes("ex_ref.png"), "image/png")), 0.6);
            // The media type says JPEG; the bytes are PNG: the console serves what the bytes are.
            worst.add(example(producer, events, topics.generations(), event("e-ok",
                    inline(SharedFiles.imageBytes("ex_p0.png"), "image/jpeg"), inline(SharedFiles.imageBytes("ex_ref.png"),
                            "image/png")), 0.72));
            worst.add(gone);
            worst.add(example(producer, events, topics.generations(), event("e-forbidden",
                    uri("http://localhost:" + port + "/forbidden.png"), inline(SharedFiles.imageBytes("ex_ref.png"),
                            "image/png")), 0.5));
            forbiddenOffset = worst.get(worst.size() - 1).getSourceOffset();
            worst.add(example(producer, events, topics.generations(), event("e-large",
                    inline(ImageEncoder.png(large), "image/png"), inline(ImageEncoder.png(large), "image/png")),
                    0.4));
            largeOffset = worst.get(worst.size() - 1).getSourceOffset();
            worst.add(example(producer, events, topics.generations(), event(XSS_ID,
                    inline(SharedFiles.imageBytes("ex_p1.png"), "image/png"),
                    inline(SharedFiles.imageBytes("ex_ref.png"), "image/png")), 0.3));
            slowOffset = example(producer, events, topics.generations(), event("e-slow",
                    uri("http://127.0.0.1:" + port + "/slow.png"), inline(SharedFiles.imageBytes("ex_ref.png"),
                            "image/png")), 0.2).getSourceOffset();
            bigUriOffset = example(producer, events, topics.generations(), event("e-big-uri",
                    uri("http://127.0.0.1:" + port + "/big.png"), inline(SharedFiles.imageBytes("ex_ref.png"),
                            "image/png")), 0.15).getSourceOffset();
            markupUriOffset = example(producer, events, topics.generations(), event("e-markup-uri",
                    uri(MARKUP_URI), inline(SharedFiles.imageBytes("ex_ref.png"), "image/png")), 0.1).getSourceOffset();
        }
        // What retention does: the partition's log now starts after the record.
        kafka.admin().deleteRecords(Map.of(new TopicPartition(topics.generations(), 0), RecordsToDelete.beforeOffset(1)))
                .all().get();

        alertId = "faces/v7/lpips/" + T0.toEpochMilli();
        MetricStats observed = MetricStats.newBuilder().setMetric("lpips").setCount(40).setMean(0.45).setStd(0.1)
                .setMin(0.2).setMax(0.72).setP50(0.44).setP90(0.6).setP99(0.7).build();
        DriftAlert alert = DriftAlert.newBuilder().setAlertId(alertId).setModelId("faces").setModelVersion("v7")
                .setMetric("lpips").setState(AlertState.FIRING).setSeverity(Severity.CRITICAL).setDetector("effect-size")
                .setWindowStart(T0).setWindowEnd(T0.plusSeconds(60)).setObserved(observed).setBaselineMean(0.14)
                .setBaselineStd(0.03).setBaselineP90(0.18).setStatistic(12.5).setThreshold(4.0)
                .setWorstEventIds(worst.stream().map(WorstExample::getEventId).toList()).setWorstExamples(worst)
                .setSummary("lpips mean for faces/v7 rose 221% over baseline (0.14 -> 0.45) for 1 window").build();
        try (KafkaProducer<String, DriftAlert> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                serde(DriftAlert.class, registry).serializer())) {
            producer.send(new ProducerRecord<>(topics.alerts(), "faces", alert)).get();
        }

        engine = ScoringEngine.open(Settings.scoring(SettingsSource.of(Map.of(
                "scoring.model-path", SharedFiles.modelsDir().toString(), "scoring.batch-workers", "1"))),
                BatchListener.NONE);
        maps = new SpatialMaps(engine.model(), 4);
        ImageLimits limits = new ImageLimits(ImageLimits.DEFAULT_MAX_BYTES, 100 * 100);
        Console.Sources sources = new Console.Sources(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), registry.url(), topics,
                new UriPolicy(List.of(), Set.of("127.0.0.1"), 1 << 20, Duration.ofSeconds(30)), limits,
                SizePolicy.REJECT, maps, id -> null);
        console = Console.start(new Settings.Console(true, "127.0.0.1", 0, TOKEN, null, 1, 4, 16L << 20), sources);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (get("/alerts/" + ConsoleLinks.encodePath(alertId)).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "the console never read the alert");
            Thread.sleep(200);
        }
    }

    @AfterAll
    void stop() {
        releaseSlow.countDown();
        if (console != null) {
            console.close();
        }
        if (maps != null) {
            maps.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (images != null) {
            images.stop(0);
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> AvroSerde<T> serde(Class<T> type,
                                                                                       SchemaRegistry.Server registry) {
        AvroSerde<T> serde = new AvroSerde<>(type);
        serde.configure(Map.of(AvroSerde.SCHEMA_REGISTRY_URL, registry.url()), false);
        return serde;
    }

    private static ImageSource inline(byte[] data, String mediaType) {
        return ImageSource.newBuilder().setData(ByteBuffer.wrap(data)).setMediaType(mediaType).build();
    }

    private static ImageSource uri(String uri) {
        return ImageSource.newBuilder().setUri(uri).build();
    }

    private static GenerationEvent event(String id, ImageSource generated, ImageSource reference) {
        return GenerationEvent.newBuilder().setEventId(id).setModelId("faces").setModelVersion("v7")
                .setProducedAt(T0.plusSeconds(5)).setAttributes(Map.of("prompt_set", "portraits"))
                .setGenerated(generated).setReference(reference).build();
    }

    /** Publishes the event and returns the worst example a window would record for it. */
    private static WorstExample example(KafkaProducer<byte[], byte[]> producer, AvroSerde<GenerationEvent> serde,
                                        String topic, GenerationEvent event, double value) throws Exception {
        RecordMetadata at = producer.send(new ProducerRecord<>(topic, serde.serialize(topic, event))).get();
        return new WorstExample(event.getEventId(), value, topic, at.partition(), at.offset(),
                event.getGenerated().getUri(), event.getReference().getUri(), null);
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return get(path, "Bearer " + TOKEN);
    }

    private HttpResponse<byte[]> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(console.url() + path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private Document page(String path) throws Exception {
        HttpResponse<byte[]> response = get(path);
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        return Jsoup.parse(new String(response.body(), StandardCharsets.UTF_8));
    }

    private Element card(Document page, String eventId) {
        Element card = page.select("article.example").stream().filter(e -> e.attr("data-event-id").equals(eventId))
                .findFirst().orElse(null);
        assertNotNull(card, "no example card for " + eventId);
        return card;
    }

    @Test
    void anAlertPageShowsEachExampleAndSaysWhatCouldNotBeShown() throws Exception {
        Document page = page("/alerts/" + ConsoleLinks.encodePath(alertId));
        assertTrue(page.text().contains("rose 221% over baseline"), page.text());
        assertEquals(5, page.select("article.example").size());

        Element ok = card(page, "e-ok");
        assertEquals("0.72", ok.attr("data-value"), "the alert's value of the example");
        for (String role : List.of("generated", "reference", "heatmap")) {
            Element img = ok.selectFirst("img." + role);
            assertNotNull(img, role);
            HttpResponse<byte[]> image = get(img.attr("src"));
            assertEquals(200, image.statusCode(), role);
            assertEquals("image/png", image.headers().firstValue("Content-Type").orElseThrow(),
                    role + ": sniffed from the bytes, not the producer's image/jpeg");
            assertEquals("nosniff", image.headers().firstValue("X-Content-Type-Options").orElseThrow());
        }
        // MODELS.md, "Example-image distances": LPIPS alex of ex_ref against ex_p0 is 0.721881.
        double lpips = Double.parseDouble(ok.selectFirst(".score[data-metric=lpips]").attr("data-score"));
        assertEquals(0.721881, lpips, 1e-4, "recomputed from the spatial map's run");
        assertTrue(ok.text().contains("prompt_set=portraits"), ok.text());
        assertTrue(ok.text().contains("64 x 64"), ok.text());

        Element gone = card(page, "e-gone");
        assertTrue(gone.text().contains("deleted by the topic's retention"), gone.text());
        assertTrue(gone.select("img").isEmpty());

        Element forbidden = card(page, "e-forbidden");
        assertTrue(forbidden.text().contains("refused, outside the uri policy"), forbidden.text());
        assertEquals(0, forbiddenHits.get(), "a uri outside the policy is never fetched");
        assertNotNull(forbidden.selectFirst("img.reference"), "the inline reference is still shown");

        Element large = card(page, "e-large");
        assertTrue(large.text().contains("pixels, over the limit of 10000"), large.text());
        assertTrue(large.select("img").isEmpty());

        // Ids are text, never markup.
        Element xss = card(page, XSS_ID);
        assertTrue(page.select("img[src=x]").isEmpty(), "an event id became markup");
        assertTrue(xss.selectFirst("a.event-id").text().equals(XSS_ID));
    }

    @Test
    void imagesThatCannotBeShownAreNotServedAndSayWhy() throws Exception {
        String at = "/images/at/" + topics.generations() + "/0/";
        // Over the pixel limit: decoded no further than its header, never served.
        HttpResponse<byte[]> large = get(at + largeOffset + "/generated");
        assertEquals(404, large.statusCode());
        assertTrue(body(large).contains("pixels, over the limit of 10000"), body(large));
        // Outside the uri policy: refused before any connection.
        HttpResponse<byte[]> forbidden = get(at + forbiddenOffset + "/generated");
        assertEquals(404, forbidden.statusCode());
        assertTrue(body(forbidden).contains("not in the allowed hosts"), body(forbidden));
        assertEquals(0, forbiddenHits.get(), "a uri outside the policy is never fetched");
        assertEquals(200, get(at + forbiddenOffset + "/reference").statusCode(), "its inline reference is served");
        // Over uri.max-bytes (1 MiB here): the fetch stops at the limit, and the page says so.
        Document big = page("/events/at/" + topics.generations() + "/0/" + bigUriOffset);
        Element card = card(big, "e-big-uri");
        assertTrue(card.text().contains("more than 1048576 bytes"), card.text());
        assertTrue(card.select("img.generated").isEmpty() && card.select("img.heatmap").isEmpty(), card.html());
        assertTrue(bigBytesSent.get() > 1 << 20, "the uri was fetched (within the policy) up to its limit");
        HttpResponse<byte[]> bigImage = get(at + bigUriOffset + "/generated");
        assertEquals(404, bigImage.statusCode());
        assertTrue(body(bigImage).contains("more than 1048576 bytes"), body(bigImage));
    }

    @Test
    void pagesCarryARestrictivePolicyAndNoScript() throws Exception {
        HttpResponse<byte[]> overview = get("/");
        assertEquals(200, overview.statusCode());
        assertEquals(ConsoleServer.CONTENT_SECURITY_POLICY,
                overview.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertTrue(ConsoleServer.CONTENT_SECURITY_POLICY.startsWith("default-src 'none'"));
        assertEquals("nosniff", overview.headers().firstValue("X-Content-Type-Options").orElseThrow());
        Document page = Jsoup.parse(new String(overview.body(), StandardCharsets.UTF_8));
        assertTrue(page.select("script").isEmpty());
        assertTrue(page.select("a[href]").stream().anyMatch(a -> a.attr("href").equals(
                "/alerts/" + ConsoleLinks.encodePath(alertId))), "the firing alert links to its page");
        HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(URI.create(console.url() + "/"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, post.statusCode(), "read-only");
    }

    @Test
    void unknownAlertsAndEventsAreNotFoundWithASentence() throws Exception {
        HttpResponse<byte[]> alert = get("/alerts/faces/v7/lpips/12345");
        assertEquals(404, alert.statusCode());
        assertTrue(new String(alert.body(), StandardCharsets.UTF_8).contains("No alert with id 'faces/v7/lpips/12345'"));
        HttpResponse<byte[]> event = get("/events/nobody");
        assertEquals(404, event.statusCode());
        assertTrue(new String(event.body(), StandardCharsets.UTF_8).contains("Event 'nobody' is not among"));
        HttpResponse<byte[]> position = get("/events/at/" + topics.generations() + "/0/999");
        assertEquals(404, position.statusCode());
        assertTrue(new String(position.body(), StandardCharsets.UTF_8).contains("There is no record at"));
    }

    @Test
    void anEventCanBeOpenedByIdAndByPosition() throws Exception {
        Document byId = page("/events/e-ok");
        Element card = card(byId, "e-ok");
        assertNotNull(card.selectFirst("img.heatmap"));
        String position = card.select("a[href*=/events/at/]").attr("href");
        Document byPosition = page(position);
        assertNotNull(card(byPosition, "e-ok").selectFirst("img.generated"));
    }

    @Test
    void aMissingOrWrongTokenIsUnauthorized() throws Exception {
        assertEquals(401, get("/", null).statusCode());
        HttpResponse<byte[]> wrong = get("/", "Bearer nope");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.headers().allValues("WWW-Authenticate").stream().anyMatch(v -> v.startsWith("Basic")));
        assertTrue(!new String(wrong.body(), StandardCharsets.UTF_8).contains(TOKEN));
        assertEquals(401, get("/console.css", null).statusCode(), "nothing is served without the token");
        String basic = Base64.getEncoder().encodeToString(("any:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        assertEquals(200, get("/", "Basic " + basic).statusCode(), "the browser's prompt: the token as password");
    }

    @Test
    void requestsOverTheLimitAreRefusedWhileOneIsBeingServed() throws Exception {
        CompletableFuture<HttpResponse<byte[]>> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/events/at/" + topics.generations() + "/0/" + slowOffset);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        HttpResponse<byte[]> refused;
        do {
            Thread.sleep(100);
            refused = get("/models/faces/v7");
        } while (refused.statusCode() != 503 && System.nanoTime() < deadline && !slow.isDone());
        assertEquals(503, refused.statusCode(), "console.max-concurrent-requests is 1 and one request is held");
        assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
        releaseSlow.countDown();
        HttpResponse<byte[]> served = slow.get(30, TimeUnit.SECONDS);
        assertEquals(200, served.statusCode());
        assertNotNull(Jsoup.parse(new String(served.body(), StandardCharsets.UTF_8)).selectFirst("img.generated"),
                "the slow uri's image, fetched within the policy");
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void positionsOnAnyOtherTopicThanTheGenerationsTopicAreRefused() throws Exception {
        // The alerts topic has a record at 0, and Kafka's own topics exist: neither is read through a position.
        for (String topic : List.of(topics.alerts(), topics.windowStats(), "__consumer_offsets")) {
            HttpResponse<byte[]> event = get("/events/at/" + topic + "/0/0");
            assertEquals(404, event.statusCode(), topic);
            assertTrue(body(event).contains("reads events only from the generations topic (" + topics.generations()
                    + "), not from '" + topic + "'"), body(event));
            HttpResponse<byte[]> image = get("/images/at/" + topic + "/0/0/generated");
            assertEquals(404, image.statusCode(), topic);
            assertEquals("text/plain; charset=utf-8", image.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(body(image).contains("reads events only from the generations topic"), body(image));
        }
    }

    @Test
    void positionsOutOfRangeAreNotFoundWithASentence() throws Exception {
        String at = "/events/at/" + topics.generations();
        for (String position : List.of("/0/-1", "/-1/0", "/0/99999999999999999999", "/0/x")) {
            HttpResponse<byte[]> response = get(at + position);
            assertEquals(404, response.statusCode(), position);
            assertTrue(body(response).contains("with numbers from 0"), body(response));
        }
        HttpResponse<byte[]> partition = get(at + "/7/0");
        assertEquals(404, partition.statusCode());
        assertTrue(body(partition).contains("There is no partition " + topics.generations() + "-7"), body(partition));
        HttpResponse<byte[]> past = get("/images/at/" + topics.generations() + "/0/999/reference");
        assertEquals(404, past.statusCode());
        assertTrue(body(past).contains("the partition ends at offset"), body(past));
    }

    @Test
    void noPathReachesAFile() throws Exception {
        // The console serves its pages, its style sheet from the jar and images by position: no path maps to a
        // file, encoded or not; a malformed escape is a bad request (the JDK's server refuses it).
        List<String> targets = List.of("/../../../../etc/passwd", "/console.css/../../../etc/passwd",
                "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2F..%2F..%2Fetc%2Fpasswd", "/images/..%2F..%2Fetc%2Fpasswd",
                "/images/at/..%2F..%2Fetc%2Fpasswd/0/0/generated", "/events/at/..%2F..%2Fetc%2Fpasswd/0/0",
                "/file:%2F%2F%2Fetc%2Fpasswd", "/%ZZ", "/events?id=%ZZ");
        for (String target : targets) {
            String response = rawGet(target);
            String status = response.lines().findFirst().orElse("");
            assertTrue(status.matches("HTTP/1\\.1 (400|404) .*"), target + ": " + status);
            assertTrue(!response.contains("root:"), target + " served a file");
        }
    }

    /** A request exactly as written, which no client normalizes first. */
    private String rawGet(String target) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), console.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + TOKEN + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void idsInAddressesAreTextOnEveryPage() throws Exception {
        String script = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        for (String path : List.of("/events/" + ConsoleLinks.encode(script), "/alerts/" + ConsoleLinks.encode(script),
                "/models/" + ConsoleLinks.encode(script) + "/v7", "/events?id=" + ConsoleLinks.encode(script))) {
            HttpResponse<byte[]> response = get(path);
            assertEquals(404, response.statusCode(), path);
            Document page = Jsoup.parse(body(response));
            assertTrue(page.select("script").isEmpty() && page.select("img").isEmpty(), path + ": " + body(response));
            assertTrue(page.text().contains(script), page.text());
        }
        // A producer's uri is text too: refused by the policy, and shown as it was written.
        Document refused = page("/events/at/" + topics.generations() + "/0/" + markupUriOffset);
        assertTrue(refused.select("script").isEmpty(), refused.html());
        assertTrue(refused.text().contains("e-markup-uri"), refused.text());
        Document event = page("/events/" + ConsoleLinks.encode(XSS_ID));
        assertTrue(event.select("img[src=x]").isEmpty(), "an event id became markup");
        assertEquals(XSS_ID, card(event, XSS_ID).selectFirst("a.event-id").text());
    }
}
