package dev.perceptwatch.console;

import dev.perceptwatch.client.AvroSerde;
import dev.perceptwatch.console.ConsoleIndex.Episode;
import dev.perceptwatch.console.Example.Location;
import dev.perceptwatch.console.Example.Picture;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.events.WorstExample;
import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.scoring.PairScores;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The console's pictures as files, for {@code perceptwatch examples}: one PNG per example (generated |
 * reference | LPIPS spatial map over the generated image, side by side, the scores written below) and an
 * index.html that shows them with the alert's facts.
 */
public final class ExampleExport {
    private static final int PANEL_HEIGHT = 256;
    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    /** What was written: the index page and one picture per example, worst first. */
    public record Written(Path index, List<Path> pictures, List<String> problems) {
    }

    private ExampleExport() {
    }

    /** The worst examples of an alert. */
    public static Written alert(Console.Sources sources, String alertId, Path out, String consoleUrl)
            throws IOException {
        try (ConsoleIndex index = sources.index()) {
            index.assign(Console.READ_TIMEOUT);
            index.catchUp(CATCH_UP);
            Episode episode = index.episode(alertId).orElseThrow(() -> new IllegalArgumentException("no alert with id '"
                    + alertId + "' on " + sources.topics().alerts() + " (tail alerts --from-beginning lists them)"));
            DriftAlert alert = episode.shown();
            List<WorstExample> worst = alert.getWorstExamples() == null ? List.of() : alert.getWorstExamples();
            if (worst.isEmpty()) {
                throw new IllegalArgumentException("alert '" + alertId + "' records no worst examples (written before"
                        + " alerts recorded where their events are); its worst event ids: " + alert.getWorstEventIds());
            }
            try (ExampleLoader loader = sources.loader(1, 0, Console.cpuBudget())) {
                List<Example> examples = new ArrayList<>();
                for (WorstExample example : worst) {
                    examples.add(loader.load(Location.of(example)));
                }
                List<Double> values = worst.stream().map(WorstExample::getValue).toList();
                return write(out, alert.getSummary(), facts(alert), examples, alert.getMetric(), values,
                        consoleUrl == null ? null : ConsoleLinks.alert(consoleUrl, alertId));
            }
        }
    }

    /** One event, found among the worst examples the windows and alerts keep. */
    public static Written event(Console.Sources sources, String eventId, Path out, String consoleUrl)
            throws IOException {
        try (ConsoleIndex index = sources.index()) {
            index.assign(Console.READ_TIMEOUT);
            index.catchUp(CATCH_UP);
            ConsoleIndex.Found found = index.example(eventId).orElseThrow(() -> new IllegalArgumentException("event '"
                    + eventId + "' is not among the worst examples on " + sources.topics().windowStats() + " and "
                    + sources.topics().alerts()));
            try (ExampleLoader loader = sources.loader(1, 0, Console.cpuBudget())) {
                Example example = loader.load(Location.of(found.example()));
                return write(out, "event " + eventId + ": one of the worst " + found.metric() + " values of "
                                + Pages.keyText(found.key()), List.of(), List.of(example), found.metric(),
                        List.of(found.example().getValue()),
                        consoleUrl == null ? null : ConsoleLinks.event(consoleUrl, eventId));
            }
        }
    }

    /**
     * Reference images by id read from the compacted references topic (for the command line, which has no
     * store of them): the topic is read to its end once, at the first lookup, keeping only the ids asked for.
     */
    public static Function<String, ReferenceImage> referencesOnTopic(Map<String, Object> consumerConfig,
                                                                     String registryUrl, String topic) {
        AvroSerde<ReferenceImage> serde = new AvroSerde<>(ReferenceImage.class);
        serde.configure(Map.of(AvroSerde.SCHEMA_REGISTRY_URL, registryUrl), false);
        return id -> {
            Map<String, Object> config = new HashMap<>(consumerConfig);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Console.READ_TIMEOUT).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Console.READ_TIMEOUT);
                byte[] latest = null;
                long deadline = System.nanoTime() + CATCH_UP.toNanos();
                while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())
                        && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (id.equals(record.key())) {
                            latest = record.value();
                        }
                    }
                }
                return latest == null ? null : serde.deserialize(topic, latest);
            }
        };
    }

    private static List<String[]> facts(DriftAlert alert) {
        return List.of(
                new String[] {"alert id", alert.getAlertId()},
                new String[] {"state", alert.getState() + " " + alert.getSeverity()},
                new String[] {"model / version", Pages.keyText(alert.getModelId(), alert.getModelVersion(),
                        alert.getSegment())},
                new String[] {"detector", alert.getDetector()},
                new String[] {"statistic / threshold", Pages.number(alert.getStatistic()) + " / "
                        + Pages.number(alert.getThreshold())},
                new String[] {"window", alert.getWindowStart() + " .. " + alert.getWindowEnd()},
                new String[] {"window mean / p90", Pages.number(alert.getObserved().getMean()) + " / "
                        + Pages.number(alert.getObserved().getP90())},
                new String[] {"baseline mean / p90", Pages.number(alert.getBaselineMean()) + " / "
                        + Pages.number(alert.getBaselineP90())});
    }

    private static Written write(Path out, String title, List<String[]> facts, List<Example> examples,
                                 String metric, List<Double> values, String link) throws IOException {
        Files.createDirectories(out);
        Document doc = Document.createShell("");
        doc.title(title);
        doc.head().appendElement("meta").attr("charset", "utf-8");
        Element body = doc.body();
        body.appendElement("h1").text(title);
        if (link != null) {
            body.appendElement("p").appendElement("a").attr("href", link).text(link);
        }
        Element table = body.appendElement("table");
        for (String[] fact : facts) {
            Element row = table.appendElement("tr");
            row.appendElement("th").attr("align", "left").text(fact[0]);
            row.appendElement("td").text(fact[1]);
        }
        List<Path> pictures = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            Example example = examples.get(i);
            String id = Optional.ofNullable(example.eventId()).orElse(example.location().key());
            List<String> lines = lines(example, metric, values.get(i));
            Path file = out.resolve(String.format("%02d-%s.png", i + 1, id.replaceAll("[^A-Za-z0-9._-]", "_")));
            Files.write(file, composite(example, lines));
            pictures.add(file);
            example.problems().forEach(problem -> problems.add(id + ": " + problem));
            Element section = body.appendElement("section");
            section.appendElement("h2").text("#" + (i + 1) + " " + id);
            section.appendElement("img").attr("src", file.getFileName().toString())
                    .attr("alt", "generated | reference | LPIPS spatial map of " + id);
            Element list = section.appendElement("ul");
            lines.forEach(line -> list.appendElement("li").text(line));
        }
        Path index = out.resolve("index.html");
        Files.writeString(index, doc.outerHtml(), StandardCharsets.UTF_8);
        return new Written(index, pictures, problems);
    }

    private static List<String> lines(Example example, String metric, double value) {
        List<String> lines = new ArrayList<>();
        lines.add("event " + Optional.ofNullable(example.eventId()).orElse("?") + "   " + metric + " = "
                + Pages.number(value) + " (the alert's)");
        PairScores scores = example.scores();
        if (scores != null) {
            StringBuilder recomputed = new StringBuilder("recomputed:");
            for (Metric m : Metric.values()) {
                Double v = scores.value(m);
                if (v != null) {
                    recomputed.append(' ').append(m.label()).append(' ').append(Pages.number(v));
                }
            }
            lines.add(recomputed.toString());
            lines.add("size " + scores.width() + " x " + scores.height());
        }
        if (example.event() != null && !example.event().getAttributes().isEmpty()) {
            lines.add("attributes " + new java.util.TreeMap<>(example.event().getAttributes()));
        }
        lines.addAll(example.problems());
        return lines;
    }

    /** The three pictures scaled to one height side by side, the lines of text below them. */
    private static byte[] composite(Example example, List<String> lines) throws IOException {
        List<BufferedImage> panels = new ArrayList<>();
        for (Picture picture : new Picture[] {example.generated(), example.reference(), example.heatmap()}) {
            panels.add(picture == null ? null : ImageIO.read(new ByteArrayInputStream(picture.bytes())));
        }
        int gap = 8;
        int width = gap;
        for (BufferedImage panel : panels) {
            width += (panel == null ? PANEL_HEIGHT : panel.getWidth() * PANEL_HEIGHT / panel.getHeight()) + gap;
        }
        int textHeight = 18 * lines.size() + gap;
        BufferedImage canvas = new BufferedImage(Math.max(width, 600), PANEL_HEIGHT + 2 * gap + textHeight,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            int x = gap;
            for (BufferedImage panel : panels) {
                int w = panel == null ? PANEL_HEIGHT : panel.getWidth() * PANEL_HEIGHT / panel.getHeight();
                if (panel == null) {
                    g.setColor(Color.LIGHT_GRAY);
                    g.drawRect(x, gap, w - 1, PANEL_HEIGHT - 1);
                } else {
                    g.drawImage(panel, x, gap, w, PANEL_HEIGHT, null);
                }
                x += w + gap;
            }
            drawText(g, lines, gap, PANEL_HEIGHT + 2 * gap);
        } finally {
            g.dispose();
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(canvas, "png", png);
        return png.toByteArray();
    }

    private static void drawText(Graphics2D g, List<String> lines, int x, int top) {
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.DARK_GRAY);
            for (int i = 0; i < lines.size(); i++) {
                g.drawString(lines.get(i), x, top + 14 + 18 * i);
            }
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            // A JVM without any font cannot draw text: the scores are still beside the picture in index.html.
        }
    }
}
