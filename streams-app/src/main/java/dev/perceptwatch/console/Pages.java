package dev.perceptwatch.console;

import dev.perceptwatch.console.ConsoleIndex.Episode;
import dev.perceptwatch.console.Example.Picture;
import dev.perceptwatch.drift.DriftKey;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.MetricStats;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.events.WorstExample;
import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.scoring.PairScores;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The console's HTML. Pages are built as jsoup documents: every text goes through {@code text()} and every
 * attribute through {@code attr()}, which escape them, so nothing a producer wrote (ids, attributes, uris)
 * can become markup. No script, no inline style: the Content-Security-Policy allows neither. Links are
 * relative to the console's root ({@code base}), so the pages work behind a path prefix.
 */
final class Pages {
    private static final int RECENT_ALERTS = 20;

    private final String base;

    /** @param base the console's root as the browser sees it, e.g. "" or "/console" */
    Pages(String base) {
        this.base = base;
    }

    Document overview(ConsoleIndex index) {
        Document doc = page("PerceptWatch console", null);
        Element main = doc.body().selectFirst("main");
        if (!index.caughtUp()) {
            main.appendElement("p").addClass("notice").text("Reading the window and alert history; this page fills"
                    + " in as it is read.");
        }
        List<Episode> episodes = index.episodes();
        main.appendElement("h2").text("Firing alerts");
        List<Episode> firing = episodes.stream().filter(Episode::open).toList();
        if (firing.isEmpty()) {
            main.appendElement("p").addClass("quiet").text("No alert is firing.");
        } else {
            alertTable(main, firing);
        }
        Map<DriftKey, List<WindowStats>> windows = index.windows();
        main.appendElement("h2").text("Models");
        if (windows.isEmpty()) {
            main.appendElement("p").addClass("quiet").text("No window has closed yet.");
        } else {
            Element table = main.appendElement("table").addClass("models");
            row(table.appendElement("thead"), "th", "model / version", "last window", "events", "metric", "mean",
                    "p90", "drift", "trend (last windows)");
            Element body = table.appendElement("tbody");
            windows.forEach((key, kept) -> modelRows(body, key, kept, firing));
        }
        List<Episode> resolved = episodes.stream().filter(e -> !e.open()).limit(RECENT_ALERTS).toList();
        if (!resolved.isEmpty()) {
            main.appendElement("h2").text("Recent alerts");
            alertTable(main, resolved);
        }
        Element form = main.appendElement("form").attr("method", "get").attr("action", base + "/events");
        form.appendElement("label").attr("for", "event-id").text("Open an event by id ");
        form.appendElement("input").attr("id", "event-id").attr("name", "id").attr("type", "text")
                .attr("maxlength", "512");
        form.appendElement("button").attr("type", "submit").text("Open");
        return doc;
    }

    private void alertTable(Element parent, List<Episode> episodes) {
        Element table = parent.appendElement("table").addClass("alerts");
        row(table.appendElement("thead"), "th", "state", "model / version", "metric", "detector", "window", "what happened");
        Element body = table.appendElement("tbody");
        for (Episode episode : episodes) {
            DriftAlert alert = episode.shown();
            Element tr = body.appendElement("tr").addClass(episode.open() ? "firing" : "resolved");
            tr.appendElement("td").appendElement("span").addClass("badge")
                    .addClass(alert.getSeverity().name().toLowerCase(Locale.ROOT))
                    .text(episode.latest().getState() + " " + alert.getSeverity());
            tr.appendElement("td").text(keyText(alert.getModelId(), alert.getModelVersion(), alert.getSegment()));
            tr.appendElement("td").text(alert.getMetric());
            tr.appendElement("td").text(alert.getDetector());
            tr.appendElement("td").text(alert.getWindowStart() + " .. " + alert.getWindowEnd());
            tr.appendElement("td").appendElement("a").attr("href", ConsoleLinks.alert(base, alert.getAlertId()))
                    .text(alert.getSummary());
        }
    }

    private void modelRows(Element body, DriftKey key, List<WindowStats> kept, List<Episode> firing) {
        WindowStats last = kept.get(kept.size() - 1);
        boolean first = true;
        for (MetricStats metric : last.getMetrics()) {
            Element tr = body.appendElement("tr");
            if (first) {
                Element cell = tr.appendElement("td").attr("rowspan", String.valueOf(last.getMetrics().size()));
                cell.appendElement("a").attr("href", modelLink(key, null)).text(keyText(key));
                tr.appendElement("td").attr("rowspan", String.valueOf(last.getMetrics().size()))
                        .text(last.getWindowStart() + " .. " + last.getWindowEnd());
                tr.appendElement("td").attr("rowspan", String.valueOf(last.getMetrics().size()))
                        .text(last.getCount() + (last.getErrors() > 0 ? " (" + last.getErrors() + " errors)" : ""));
                first = false;
            }
            tr.appendElement("td").appendElement("a").attr("href", modelLink(key, metric.getMetric()))
                    .text(metric.getMetric());
            tr.appendElement("td").addClass("number").text(number(metric.getMean()));
            tr.appendElement("td").addClass("number").text(number(metric.getP90()));
            Optional<Episode> open = firing.stream().filter(e -> sameKey(e.latest(), key)
                    && e.latest().getMetric().equals(metric.getMetric())).findFirst();
            Element drift = tr.appendElement("td");
            if (open.isPresent()) {
                drift.appendElement("a").attr("href", ConsoleLinks.alert(base, open.get().latest().getAlertId()))
                        .appendElement("span").addClass("badge")
                        .addClass(open.get().shown().getSeverity().name().toLowerCase(Locale.ROOT))
                        .text("FIRING " + open.get().shown().getSeverity());
            } else {
                drift.addClass("quiet").text("no open alert");
            }
            trend(tr.appendElement("td"), kept, metric.getMetric());
        }
    }

    /** A small line of the metric's window means, oldest to newest; inline SVG needs no script or style. */
    private static void trend(Element cell, List<WindowStats> kept, String metric) {
        List<Double> means = new ArrayList<>();
        for (WindowStats stats : kept) {
            stats.getMetrics().stream().filter(m -> m.getMetric().equals(metric)).findFirst()
                    .ifPresent(m -> means.add(m.getMean()));
        }
        double min = means.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = means.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        double span = max > min ? max - min : 1;
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < means.size(); i++) {
            double x = means.size() == 1 ? 50 : 100.0 * i / (means.size() - 1);
            double y = 22 - 20 * (means.get(i) - min) / span;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        Element svg = cell.appendElement("svg").addClass("trend").attr("viewBox", "0 0 100 24")
                .attr("width", "120").attr("height", "24").attr("role", "img");
        svg.appendElement("title").text(metric + " window means, last " + means.size() + ": " + number(min) + " to "
                + number(max));
        svg.appendElement("polyline").attr("points", points.toString().trim()).attr("fill", "none")
                .attr("stroke", "currentColor").attr("stroke-width", "1.5");
    }

    Document model(ConsoleIndex index, DriftKey key, String metric) {
        Document doc = page(keyText(key) + (metric == null ? "" : " " + metric), "model");
        Element main = doc.body().selectFirst("main");
        List<WindowStats> kept = index.windows().getOrDefault(key, List.of());
        List<Episode> episodes = index.episodes().stream().filter(e -> sameKey(e.latest(), key)
                && (metric == null || e.latest().getMetric().equals(metric))).toList();
        main.appendElement("h2").text("Alerts");
        if (episodes.isEmpty()) {
            main.appendElement("p").addClass("quiet").text("No alert of " + keyText(key)
                    + (metric == null ? "" : " on " + metric) + " is kept.");
        } else {
            alertTable(main, episodes);
        }
        main.appendElement("h2").text("Windows (newest first)");
        if (kept.isEmpty()) {
            main.appendElement("p").addClass("quiet").text("No window of " + keyText(key) + " is kept.");
            return doc;
        }
        Element table = main.appendElement("table").addClass("windows");
        row(table.appendElement("thead"), "th", "window", "events", "errors", "metric", "mean", "std", "p90",
                "worst events");
        Element body = table.appendElement("tbody");
        for (int i = kept.size() - 1; i >= 0; i--) {
            WindowStats stats = kept.get(i);
            for (MetricStats m : stats.getMetrics()) {
                if (metric != null && !m.getMetric().equals(metric)) {
                    continue;
                }
                Element tr = body.appendElement("tr");
                tr.appendElement("td").text(stats.getWindowStart() + " .. " + stats.getWindowEnd());
                tr.appendElement("td").addClass("number").text(String.valueOf(stats.getCount()));
                tr.appendElement("td").addClass("number").text(String.valueOf(stats.getErrors()));
                tr.appendElement("td").text(m.getMetric());
                tr.appendElement("td").addClass("number").text(number(m.getMean()));
                tr.appendElement("td").addClass("number").text(number(m.getStd()));
                tr.appendElement("td").addClass("number").text(number(m.getP90()));
                Element worst = tr.appendElement("td");
                List<WorstExample> examples = stats.getWorstExamples() == null ? List.of()
                        : stats.getWorstExamples().getOrDefault(m.getMetric(), List.of());
                for (WorstExample example : examples) {
                    worst.appendElement("a").attr("href", eventLink(Example.Location.of(example)))
                            .text(example.getEventId());
                    worst.appendText(" ");
                }
            }
        }
        return doc;
    }

    Document alert(Episode episode, List<Example> examples) {
        DriftAlert alert = episode.shown();
        Document doc = page(alert.getSeverity() + " " + alert.getMetric() + " " + keyText(alert.getModelId(),
                alert.getModelVersion(), alert.getSegment()), "alert");
        Element main = doc.body().selectFirst("main");
        main.appendElement("p").addClass("summary").text(alert.getSummary());
        Element state = main.appendElement("p").addClass("state");
        if (episode.open()) {
            state.appendElement("span").addClass("badge").addClass(alert.getSeverity().name().toLowerCase(Locale.ROOT))
                    .text("FIRING " + alert.getSeverity());
            state.appendText(" since the window ending " + alert.getWindowEnd());
        } else {
            state.appendElement("span").addClass("badge").addClass("ok").text("RESOLVED");
            state.appendText(" at the window ending " + episode.latest().getWindowEnd() + ": "
                    + episode.latest().getSummary());
        }
        if (episode.firing() == null) {
            main.appendElement("p").addClass("problem").text("The FIRING record of this episode is no longer on the"
                    + " alerts topic; this is its RESOLVED record.");
        }
        state.appendText(" ");
        state.appendElement("a").attr("href", modelLink(new DriftKey(alert.getModelId(), alert.getModelVersion(),
                alert.getSegment()), alert.getMetric())).text("all windows of " + alert.getMetric());
        MetricStats observed = alert.getObserved();
        Element facts = main.appendElement("table").addClass("facts");
        fact(facts, "alert id", alert.getAlertId());
        fact(facts, "detector", alert.getDetector());
        fact(facts, "statistic / threshold", number(alert.getStatistic()) + " / " + number(alert.getThreshold()));
        fact(facts, "window", alert.getWindowStart() + " .. " + alert.getWindowEnd() + " (" + observed.getCount()
                + " values)");
        fact(facts, "window mean ± std / p90", number(observed.getMean()) + " ± " + number(observed.getStd()) + " / "
                + number(observed.getP90()));
        fact(facts, "baseline mean ± std / p90", number(alert.getBaselineMean()) + " ± "
                + number(alert.getBaselineStd()) + " / " + number(alert.getBaselineP90()));
        main.appendElement("h2").text("Worst examples (" + alert.getMetric() + ", worst first)");
        if (examples.isEmpty()) {
            main.appendElement("p").addClass("quiet").text(alert.getWorstEventIds().isEmpty()
                    ? "This alert names no worst events."
                    : "This alert was written before alerts recorded where their events are: worst events "
                            + String.join(", ", alert.getWorstEventIds()) + ".");
        }
        List<WorstExample> worst = alert.getWorstExamples() == null ? List.of() : alert.getWorstExamples();
        Element grid = main.appendElement("div").addClass("examples");
        for (int i = 0; i < examples.size(); i++) {
            exampleCard(grid, examples.get(i), alert.getMetric(), worst.get(i).getValue(), i + 1);
        }
        return doc;
    }

    Document event(Example example, ConsoleIndex.Found found) {
        Document doc = page("event " + Optional.ofNullable(example.eventId()).orElse(example.location().key()),
                "event");
        Element main = doc.body().selectFirst("main");
        if (found != null) {
            Element p = main.appendElement("p");
            p.appendText("One of the worst " + found.metric() + " values of ");
            p.appendElement("a").attr("href", modelLink(found.key(), found.metric())).text(keyText(found.key()));
            p.appendText(".");
        }
        Element grid = main.appendElement("div").addClass("examples");
        exampleCard(grid, example, found == null ? null : found.metric(),
                found == null ? null : found.example().getValue(), 0);
        return doc;
    }

    Document problem(int status, String sentence) {
        Document doc = page(status == 404 ? "Not found" : "Cannot serve this page", "problem");
        doc.body().selectFirst("main").appendElement("p").addClass("problem").text(sentence);
        return doc;
    }

    private void exampleCard(Element grid, Example example, String metric, Double alertValue, int rank) {
        Example.Location location = example.location();
        Element card = grid.appendElement("article").addClass("example");
        String id = example.eventId();
        card.attr("data-event-id", id == null ? "" : id);
        if (alertValue != null) {
            card.attr("data-value", Double.toString(alertValue));
        }
        Element h3 = card.appendElement("h3");
        if (rank > 0) {
            h3.appendText("#" + rank + " ");
        }
        if (id != null) {
            h3.appendElement("a").addClass("event-id").attr("href", ConsoleLinks.event(base, id)).text(id);
        } else {
            h3.text(location.key());
        }
        if (metric != null && alertValue != null) {
            h3.appendElement("span").addClass("value").text(" " + metric + " = " + number(alertValue));
        }
        Element figures = card.appendElement("div").addClass("pictures");
        picture(figures, example, "generated", example.generated(), "generated");
        picture(figures, example, "reference", example.reference(), "reference");
        picture(figures, example, "heatmap", example.heatmap(), "LPIPS spatial map over the generated image");
        if (!example.problems().isEmpty()) {
            Element list = card.appendElement("ul").addClass("problems");
            example.problems().forEach(sentence -> list.appendElement("li").text(sentence));
        }
        Element facts = card.appendElement("table").addClass("facts");
        PairScores scores = example.scores();
        if (scores != null) {
            Element row = facts.appendElement("tr");
            row.appendElement("th").text("scores (recomputed)");
            Element cell = row.appendElement("td").addClass("scores");
            for (Metric m : Metric.values()) {
                Double value = scores.value(m);
                if (value != null) {
                    cell.appendElement("span").addClass("score").attr("data-metric", m.label())
                            .attr("data-score", Double.toString(value)).text(m.label() + " " + number(value));
                    cell.appendText(" ");
                }
            }
            fact(facts, "size", scores.width() + " x " + scores.height());
        }
        GenerationEvent event = example.event();
        if (event != null) {
            fact(facts, "model / version", event.getModelId() + " / " + event.getModelVersion());
            fact(facts, "produced at", event.getProducedAt().toString());
            Map<String, String> attributes = new TreeMap<>(event.getAttributes());
            fact(facts, "attributes", attributes.isEmpty() ? "none" : attributes.toString());
        }
        if (location.hasPosition()) {
            Element row = facts.appendElement("tr");
            row.appendElement("th").text("position");
            row.appendElement("td").appendElement("a")
                    .attr("href", ConsoleLinks.eventAt(base, location.topic(), location.partition(), location.offset()))
                    .text(location.topic() + "-" + location.partition() + "@" + location.offset());
        }
    }

    private void picture(Element figures, Example example, String role, Picture picture, String caption) {
        Element figure = figures.appendElement("figure").addClass(role);
        if (picture != null) {
            String src = imageLink(example.location(), role);
            figure.appendElement("a").attr("href", src).appendElement("img").addClass(role).attr("src", src)
                    .attr("alt", caption + " of " + Optional.ofNullable(example.eventId()).orElse("the event"))
                    // Small images are shown enlarged, large ones reduced; the link opens the image at its size.
                    .attr("width", String.valueOf(Math.min(320, Math.max(192, picture.width()))))
                    .attr("data-width", String.valueOf(picture.width()))
                    .attr("data-height", String.valueOf(picture.height()));
            figure.appendElement("figcaption").text(caption + ", " + picture.width() + " x " + picture.height()
                    + (role.equals("heatmap") ? "" : ", " + picture.mediaType()));
        } else {
            figure.addClass("missing");
            figure.appendElement("div").addClass("placeholder").text("no " + role + " image");
            figure.appendElement("figcaption").text(caption);
        }
    }

    String imageLink(Example.Location location, String role) {
        return location.hasPosition()
                ? base + "/images/at/" + ConsoleLinks.encode(location.topic()) + "/" + location.partition() + "/"
                        + location.offset() + "/" + role
                : base + "/images/event/" + ConsoleLinks.encode(location.eventId()) + "/" + role;
    }

    private String eventLink(Example.Location location) {
        return location.eventId() != null ? ConsoleLinks.event(base, location.eventId())
                : ConsoleLinks.eventAt(base, location.topic(), location.partition(), location.offset());
    }

    private String modelLink(DriftKey key, String metric) {
        String link = ConsoleLinks.model(base, key.modelId(), key.modelVersion(), metric);
        return key.segment() == null ? link : link + "?segment=" + ConsoleLinks.encode(key.segment());
    }

    private Document page(String title, String kind) {
        Document doc = Document.createShell("");
        doc.title(title + " - PerceptWatch");
        doc.head().appendElement("meta").attr("charset", "utf-8");
        doc.head().appendElement("meta").attr("name", "viewport").attr("content", "width=device-width, initial-scale=1");
        doc.head().appendElement("link").attr("rel", "stylesheet").attr("href", base + "/console.css");
        Element header = doc.body().appendElement("header");
        header.appendElement("a").addClass("home").attr("href", base + "/").text("PerceptWatch");
        Element main = doc.body().appendElement("main");
        if (kind != null) {
            main.addClass(kind);
        }
        main.appendElement("h1").text(title);
        return doc;
    }

    private static void fact(Element table, String name, String value) {
        Element row = table.appendElement("tr");
        row.appendElement("th").text(name);
        row.appendElement("td").text(value);
    }

    private static void row(Element parent, String cell, String... texts) {
        Element tr = parent.appendElement("tr");
        for (String text : texts) {
            tr.appendElement(cell).text(text);
        }
    }

    private static boolean sameKey(DriftAlert alert, DriftKey key) {
        return alert.getModelId().equals(key.modelId()) && alert.getModelVersion().equals(key.modelVersion())
                && java.util.Objects.equals(alert.getSegment(), key.segment());
    }

    static String keyText(DriftKey key) {
        return keyText(key.modelId(), key.modelVersion(), key.segment());
    }

    static String keyText(String modelId, String modelVersion, String segment) {
        return modelId + " / " + modelVersion + (segment == null ? "" : " [" + segment + "]");
    }

    static String number(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.1f" : "%.4f", value);
    }
}
