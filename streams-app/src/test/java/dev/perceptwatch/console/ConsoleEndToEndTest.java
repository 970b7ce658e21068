package dev.perceptwatch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.perceptwatch.cli.PerceptWatchCommand;
import dev.perceptwatch.client.AvroSerde;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.events.WorstExample;
import dev.perceptwatch.imaging.Distortions;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.testing.KafkaBroker;
import dev.perceptwatch.testing.SchemaRegistry;
import dev.perceptwatch.testing.SharedFiles;
import dev.perceptwatch.service.PerceptWatchService;
import dev.perceptwatch.testing.SyntheticScenes;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import picocli.CommandLine;

/**
 * The console of a real running service (in-process broker, registry, the LPIPS model) after an injected
 * drift, seen in a real browser (Debian's headless chromium through chromedriver): the overview and the alert
 * page, each worst example's three images loaded, the heatmap the size of the generated image, the ids and
 * values the alert's. Screenshots go to target/console-screenshots/. Then the same alert from the command line
 * ({@code examples}, {@code tail alerts}).
 */
@ExtendWith({KafkaBroker.Extension.class, SchemaRegistry.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleEndToEndTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    /** Recent (a broker deletes older records by retention) and on a whole hour, so that windows line up. */
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
    private static final int EVENTS_PER_WINDOW = 24;
    /**
     * Windows that learn the baseline. The detectors are calibrated for the warm-up's length (Student's t with
     * WARMUP - 1 degrees of freedom, docs/DETECTION.md): with 3 windows even a blur's LPIPS, several times the
     * baseline, was not far enough past the spread on the log scale to fire in one window.
     */
    private static final int WARMUP = 8;
    /** The side of the drawn scenes, and how many there are (each event's reference is one of them). */
    private static final int SIZE = 128;
    private static final int SCENES = 4;

    private Path stateDir;
    private PerceptWatchService service;
    private DriftAlert alert;
    /** The id of the first alert on the topic, FIRING or not. */
    private String firstAlertId;
    private String bootstrap;
    private String registryUrl;
    private String alertsTopic;
    private String windowStatsTopic;
    private String referencesTopic;
    private final Random random = new Random(20);

    @BeforeAll
    void startServiceAndInjectDrift(KafkaBroker kafka, SchemaRegistry.Server registry, @TempDir Path stateDir)
            throws Exception {
        this.stateDir = stateDir;
        bootstrap = kafka.bootstrapServers();
        registryUrl = registry.url();
        Map<String, String> env = new HashMap<>();
        env.put("PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("PERCEPTWATCH_KAFKA_APPLICATION_ID", kafka.uniqueTopicName("console-e2e"));
        env.put("PERCEPTWATCH_KAFKA_STATE_DIR", stateDir.toString());
        env.put("PERCEPTWATCH_REGISTRY_URL", registryUrl);
        env.put("PERCEPTWATCH_SCORING_MODEL_PATH", SharedFiles.modelsDir().toString());
        env.put("PERCEPTWATCH_SCORING_INTRA_OP_THREADS", "1");
        env.put("PERCEPTWATCH_PROCESSING_PREP_THREADS", "1");
        env.put("PERCEPTWATCH_METRICS_PORT", "0");
        env.put("PERCEPTWATCH_WINDOWS_SIZE", "1m");
        // Events are scored a few at a time, and may be published slightly out of order: the grace keeps a
        // window open until the next one is half through, long after its last event is scored.
        env.put("PERCEPTWATCH_WINDOWS_GRACE", "30s");
        env.put("PERCEPTWATCH_DRIFT_WARMUP_WINDOWS", Integer.toString(WARMUP));
        Map<String, String> topics = new HashMap<>();
        for (String name : List.of("generations", "references", "scores", "dead-letters", "window-stats", "alerts")) {
            String topic = kafka.uniqueTopicName(name);
            topics.put(name, topic);
            env.put("PERCEPTWATCH_TOPICS_" + name.toUpperCase().replace('-', '_'), topic);
            kafka.createTopics(name.equals("scores") ? 2 : 1, topic);
        }
        alertsTopic = topics.get("alerts");
        windowStatsTopic = topics.get("window-stats");
        referencesTopic = topics.get("references");
        service = PerceptWatchService.start(Settings.load(null, env));

        AvroSerde<GenerationEvent> events = new AvroSerde<>(GenerationEvent.class);
        events.configure(Map.of(AvroSerde.SCHEMA_REGISTRY_URL, registryUrl), false);
        // Drawn, not photographs: the screenshots may be published (docs/images/console-alert.png is one).
        List<RgbImage> scenes = new ArrayList<>();
        List<byte[]> references = new ArrayList<>();
        for (long seed = 0; seed < SCENES; seed++) {
            scenes.add(SyntheticScenes.scene(SIZE, seed));
            references.add(ImageEncoder.png(scenes.get((int) seed)));
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int minute = 0; minute <= WARMUP + 1; minute++) {
                // WARMUP windows learn the baseline; the next is blurred (the drift); one event past the
                // grace closes it.
                boolean drifted = minute == WARMUP;
                boolean closing = minute == WARMUP + 1;
                int count = closing ? 1 : EVENTS_PER_WINDOW;
                for (int i = 0; i < count; i++) {
                    Instant at = closing ? T0.plus(Duration.ofMinutes(minute)).plusSeconds(40)
                            : T0.plus(Duration.ofMinutes(minute)).plusMillis(2000L * i);
                    RgbImage generated = scenes.get(i % SCENES);
                    RgbImage image = Distortions.addGaussianNoise(drifted
                            ? Distortions.gaussianBlur(generated, 1.5 + random.nextDouble()) : generated,
                            1 + 3 * random.nextDouble(), random.nextLong());
                    GenerationEvent event = GenerationEvent.newBuilder()
                            .setEventId("m" + minute + "-e" + i).setModelId("faces").setModelVersion("v7")
                            .setProducedAt(at)
                            .setAttributes(Map.of("prompt_set", "portraits", "sampler", "ddim"))
                            .setGenerated(inline(ImageEncoder.png(image)))
                            .setReference(inline(references.get(i % SCENES))).build();
                    producer.send(new ProducerRecord<>(topics.get("generations"), event.getEventId().getBytes(),
                            events.serialize(topics.get("generations"), event)));
                }
            }
        }
        alert = firstFiring();
    }

    private static ImageSource inline(byte[] png) {
        return ImageSource.newBuilder().setData(ByteBuffer.wrap(png)).setMediaType("image/png").build();
    }

    private DriftAlert firstFiring() {
        AvroSerde<DriftAlert> serde = new AvroSerde<>(DriftAlert.class);
        serde.configure(Map.of(AvroSerde.SCHEMA_REGISTRY_URL, registryUrl), false);
        try (KafkaConsumer<String, DriftAlert> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "console-e2e-alerts",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), serde.deserializer())) {
            consumer.subscribe(List.of(alertsTopic));
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (firstAlertId == null) {
                        firstAlertId = record.value().getAlertId();
                    }
                    if (record.value().getState() == AlertState.FIRING && record.value().getMetric().equals("lpips")) {
                        return record.value();
                    }
                }
            }
        }
        return fail("no lpips FIRING alert within 180 s of the drift");
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void theBrowserShowsTheAlertsWorstExamplesWithTheirImagesAndHeatmaps() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            if (System.getenv("CI") != null) {
                fail(CHROMIUM + " or " + CHROMEDRIVER + " is missing in CI; ops/test.sh installs Debian's chromium"
                        + " and chromium-driver");
            }
            Assumptions.abort("no " + CHROMIUM + " and " + CHROMEDRIVER + ": apt-get install chromium chromium-driver"
                    + " (ops/test.sh does, as root) to run the browser test");
        }
        List<WorstExample> worst = alert.getWorstExamples();
        assertEquals(5, worst.size(), "the window's five worst events");
        Files.createDirectories(SCREENSHOTS);
        Path profile = Files.createTempDirectory(stateDir, "chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1400,2600");
        // The driver is given: Selenium Manager, which would look for (and download) one, is never run.
        ChromeDriverService driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver browser = new ChromeDriver(driverService, options);
        try {
            browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(90));
            browser.get(service.consoleUrl() + "/");
            String alertLink = ConsoleLinks.alert("", alert.getAlertId());
            WebElement link = browser.findElement(By.cssSelector("table.alerts a[href='" + alertLink + "']"));
            assertEquals(alert.getSummary(), link.getText());
            assertTrue(browser.findElement(By.cssSelector("table.models")).getText().contains("faces / v7"));
            screenshot(browser, "overview.png");

            link.click();
            awaitImages(browser);
            List<WebElement> cards = browser.findElements(By.cssSelector("article.example"));
            assertEquals(worst.size(), cards.size());
            JavascriptExecutor js = browser;
            for (int i = 0; i < worst.size(); i++) {
                WebElement card = cards.get(i);
                assertEquals(worst.get(i).getEventId(), card.getAttribute("data-event-id"), "worst first, as the alert");
                assertEquals(alert.getWorstEventIds().get(i), card.findElement(By.cssSelector("a.event-id")).getText());
                assertEquals(worst.get(i).getValue(), Double.parseDouble(card.getAttribute("data-value")), 0,
                        "the value shown is the alert's");
                assertTrue(card.getText().contains(Pages.number(worst.get(i).getValue())), card.getText());
                long[][] sizes = new long[3][];
                String[] roles = {"generated", "reference", "heatmap"};
                for (int r = 0; r < 3; r++) {
                    WebElement img = card.findElement(By.cssSelector("img." + roles[r]));
                    long width = ((Number) js.executeScript("return arguments[0].naturalWidth", img)).longValue();
                    long height = ((Number) js.executeScript("return arguments[0].naturalHeight", img)).longValue();
                    assertTrue(width > 0 && height > 0, roles[r] + " of " + worst.get(i).getEventId() + " did not load");
                    sizes[r] = new long[] {width, height};
                }
                assertEquals(sizes[0][0], sizes[2][0], "the heatmap is as wide as the generated image");
                assertEquals(sizes[0][1], sizes[2][1], "the heatmap is as high as the generated image");
                assertEquals(SIZE, sizes[0][0], "the scenes are " + SIZE + " x " + SIZE);
                // LPIPS recomputed for the heatmap is the value the stream scored (the alert's metric is lpips).
                double recomputed = Double.parseDouble(card.findElement(By.cssSelector(".score[data-metric=lpips]"))
                        .getAttribute("data-score"));
                assertEquals(worst.get(i).getValue(), recomputed, 1e-4);
                assertTrue(card.getText().contains("sampler=ddim"), card.getText());
            }
            screenshot(browser, "alert.png");
        } finally {
            browser.quit();
        }
    }

    private static void awaitImages(ChromeDriver browser) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Boolean.TRUE.equals(browser.executeScript(
                "return Array.from(document.images).every(i => i.complete)"))) {
            assertTrue(System.nanoTime() < deadline, "the alert page's images never finished loading");
            Thread.sleep(100);
        }
    }

    private static void screenshot(ChromeDriver browser, String name) throws Exception {
        // The whole page: the window grows to the document's height first.
        Number height = (Number) browser.executeScript("return document.documentElement.scrollHeight");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, Math.max(800,
                height.intValue() + 40)));
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new PerceptWatchCommand()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(args);
        return new String[] {String.valueOf(exit), out.toString(), err.toString()};
    }

    @Test
    void theExamplesCommandWritesOnePicturePerExampleAndAnIndex(@TempDir Path out) throws Exception {
        String[] run = run("examples", "--alert", alert.getAlertId(), "--out", out.toString(),
                "--bootstrap", bootstrap, "--registry", registryUrl, "--alerts-topic", alertsTopic,
                "--window-stats-topic", windowStatsTopic, "--references-topic", referencesTopic,
                "--model-path", SharedFiles.modelsDir().toString(), "--console-url", "http://console.example:9401");
        assertEquals("0", run[0], run[1] + run[2]);
        List<Path> pictures = new ArrayList<>();
        try (var files = Files.list(out)) {
            files.filter(p -> p.toString().endsWith(".png")).sorted().forEach(pictures::add);
        }
        assertEquals(5, pictures.size(), run[1]);
        for (int i = 0; i < pictures.size(); i++) {
            String id = alert.getWorstExamples().get(i).getEventId();
            assertTrue(pictures.get(i).getFileName().toString().contains(id), pictures.get(i) + " for " + id);
            var image = ImageIO.read(pictures.get(i).toFile());
            assertTrue(image.getWidth() >= 3 * 256, "three panels side by side: " + image.getWidth());
        }
        org.jsoup.nodes.Document index = org.jsoup.Jsoup.parse(out.resolve("index.html").toFile());
        assertTrue(index.text().contains(alert.getSummary()), index.text());
        assertEquals("http://console.example:9401/alerts/" + ConsoleLinks.encodePath(alert.getAlertId()),
                index.selectFirst("a[href]").attr("href"));
        assertEquals(5, index.select("img[src$=.png]").size());
        for (WorstExample example : alert.getWorstExamples()) {
            assertTrue(index.text().contains("lpips = " + Pages.number(example.getValue())), index.text());
        }
    }

    @Test
    void tailAlertsEndsEachLineWithItsConsolePage() {
        String[] run = run("tail", "alerts", "--from-beginning", "--max", "1", "--timeout", "30s", "--topic",
                alertsTopic, "--bootstrap", bootstrap, "--registry", registryUrl, "--console-url",
                "https://perceptwatch.example/console/");
        assertEquals("0", run[0], run[2]);
        assertTrue(run[1].strip().endsWith(" console=https://perceptwatch.example/console/alerts/"
                + ConsoleLinks.encodePath(firstAlertId)), run[1]);
    }
}
