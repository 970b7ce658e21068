package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.observability.PrometheusProcess;
import dev.perceptwatch.service.PerceptWatchService;
import dev.perceptwatch.testing.RepoFiles;
import dev.perceptwatch.testing.SchemaRegistry;
import dev.perceptwatch.testing.SharedFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale out under churn: a broker process, a generations topic of six partitions and three service processes
 * of one application id; while events flow (inline and by reference id, good and bad), the instance that
 * judges the degraded model is killed with SIGKILL in the middle of its alert episode, a fourth instance
 * joins, one leaves with SIGTERM, and the broker is killed and restarted. After each of these, once the
 * rebalance has settled, a real Prometheus scraping every instance must find each drift-state gauge exported
 * by exactly one instance. At the end, as read_committed consumers see the topics: every event has exactly
 * one result; every closed window of every model is on the window-stats topic exactly once and counts
 * exactly its events; the degraded model's episodes have one FIRING and one RESOLVED each, and the paging rule
 * (the committed one, with its {@code for:} shortened) paged once for each; the surviving instances are RUNNING
 * with their tasks.
 *
 * <p>The seed of the delays before each disruption (and of which instance leaves) is logged;
 * {@code -Dperceptwatch.churn.seed=N} repeats a run's. Service logs are in {@code target/churn/}.
 */
@ExtendWith(SchemaRegistry.class)
class ChurnTest {
    private static final Logger LOG = LoggerFactory.getLogger(ChurnTest.class);
    private static final int PARTITIONS = 6;
    /** A round is one event per model: 24 events a second, and 2 s of event time (one window) in 5 s. */
    private static final long ROUND_MILLIS = 250;
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final int MAX_DELAY_MILLIS = 2500;
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration ALERT_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration RESULTS_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration GAUGE_TIMEOUT = Duration.ofSeconds(90);
    private static final String DRIFT_ALERT = "PerceptWatchQualityDrift";
    /**
     * The rules' {@code for: 2m}, shortened so that a page shows within the test; their {@code keep_firing_for},
     * which keeps one page through a fail-over, stays as committed.
     */
    private static final String TEST_FOR = "$1for: 3s";

    @TempDir
    Path dir;

    private record Disruption(String what, long delayMillis, int produced, String instance, int exitStatus) {
    }

    @Test
    void everyEventAndEveryAlertEpisodeComesOutOnceWhileInstancesJoinLeaveAndDie(SchemaRegistry.Server registry)
            throws Exception {
        PrometheusProcess.requireInstalled();
        long seed = Long.getLong("perceptwatch.churn.seed", System.nanoTime());
        LOG.info("churn test seed {} (repeat with -Dperceptwatch.churn.seed={})", seed, seed);
        Random random = new Random(seed);
        Instant testStart = Instant.now();
        try (ProcessBroker broker = new ProcessBroker(Files.createDirectories(dir.resolve("broker")))) {
            String bootstrap = broker.start(null);
            int brokerPort = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                PipelineTopics topics = PipelineTopics.create(admin, "churn", PARTITIONS);
                Map<String, String> settings = Map.ofEntries(
                        Map.entry("kafka.application.id", "perceptwatch-churn-" + UUID.randomUUID().toString().substring(0, 8)),
                        // The killed instance's tasks move after 6 s (the service's default session timeout is
                        // longer), so that the test stays short.
                        Map.entry("kafka.session.timeout.ms", "6000"),
                        Map.entry("kafka.heartbeat.interval.ms", "1500"),
                        // Short commits, so that kills land inside open transactions.
                        Map.entry("kafka.commit.interval.ms", "100"),
                        Map.entry("scoring.batch-workers", "1"),
                        // Event time compresses the timeline (ChurnTraffic): a window is 20 events of a model.
                        Map.entry("windows.size", "2s"),
                        Map.entry("windows.grace", GRACE.toSeconds() + "s"),
                        Map.entry("drift.warmup-windows", "3"),
                        Map.entry("drift.fire-after-windows", "1"),
                        Map.entry("drift.resolve-after-windows", "2"),
                        Map.entry("drift.min-quantile-count", "10"));
                Path prometheusDir = Files.createDirectories(dir.resolve("prometheus"));
                Path logs = Path.of(System.getProperty("user.dir"), "target", "churn");
                AvroSerdes serdes = PerceptWatchService.registrySerdes(ServiceConfig.load(ServiceConfig.write(
                        Files.createDirectories(dir.resolve("clients")), bootstrap, registry.url(), topics, Map.of())).kafka());
                // Sends wait out the broker's restart instead of failing.
                Map<String, Object> patientProducer = Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000);
                ExecutorService producer = Executors.newSingleThreadExecutor();
                try (ServiceGroup group = new ServiceGroup(dir.resolve("instances"), logs, bootstrap, registry.url(),
                        topics, settings, prometheusDir.resolve("targets.json"));
                     PrometheusProcess prometheus = PrometheusProcess.start(prometheusDir,
                             prometheusConfig(prometheusDir, group.targetsFile()));
                     PipelineInput input = new PipelineInput(bootstrap, serdes, topics, patientProducer);
                     PipelineOutputs outputs = new PipelineOutputs(bootstrap, serdes, topics);
                     CommittedRecords<DriftAlert> alerts = new CommittedRecords<>(bootstrap, serdes, topics.alerts(),
                             DriftAlert.class);
                     CommittedRecords<WindowStats> windows = new CommittedRecords<>(bootstrap, serdes,
                             topics.windowStats(), WindowStats.class)) {
                    try {
                        input.reference(TestEvents.reference(MixedTraffic.REFERENCE_ID, SharedFiles.imageBytes("ex_ref.png")));
                        ChurnTraffic traffic = new ChurnTraffic(input, PARTITIONS);
                        String drifting = traffic.drifting();
                        group.start("instance-1", "instance-2", "instance-3");
                        AtomicBoolean stop = new AtomicBoolean();
                        Future<?> production = producer.submit(() -> traffic.produce(stop::get, ROUND_MILLIS));
                        List<Disruption> disruptions = new ArrayList<>();

                        // Baselines: every model's drift state is exported, each by one instance.
                        Set<List<String>> gauges = awaitBaselines(prometheus, traffic.models());
                        assertTrue(group.awaitSettled(admin, SETTLE_TIMEOUT), "the first three never settled");
                        assertOneOwnerPerGauge(prometheus, group, gauges, "before the churn");

                        Instant degradedFrom = traffic.degrade(true);
                        LOG.info("{} degraded from {} (event time)", drifting, degradedFrom);
                        assertTrue(alerts.await(read -> firing(read, drifting) > 0, ALERT_TIMEOUT),
                                () -> "no FIRING for " + drifting + ": " + alerts.read());
                        awaitPage(prometheus, drifting);

                        // 1. SIGKILL to the instance whose drift task is in the middle of the episode.
                        ServiceGroup.Instance owner = group.byTarget(driftOwner(prometheus, drifting));
                        long delay = random.nextInt(MAX_DELAY_MILLIS);
                        Thread.sleep(delay);
                        int status = owner.process().kill();
                        disruptions.add(new Disruption("SIGKILL", delay, traffic.produced(), owner.name(), status));
                        assertEquals(137, status, "killed by SIGKILL (128 + 9)");
                        settle(admin, prometheus, group, gauges, disruptions);

                        // 2. A fourth instance joins.
                        delay = random.nextInt(MAX_DELAY_MILLIS);
                        Thread.sleep(delay);
                        ServiceGroup.Instance joined = group.start("instance-4").get(0);
                        disruptions.add(new Disruption("join", delay, traffic.produced(), joined.name(), 0));
                        settle(admin, prometheus, group, gauges, disruptions);

                        Instant recoveredFrom = traffic.degrade(false);
                        LOG.info("{} recovered from {} (event time)", drifting, recoveredFrom);

                        // 3. One leaves with SIGTERM.
                        List<ServiceGroup.Instance> live = group.live();
                        ServiceGroup.Instance leaving = live.get(random.nextInt(live.size()));
                        delay = random.nextInt(MAX_DELAY_MILLIS);
                        Thread.sleep(delay);
                        status = leaving.process().stop(Duration.ofSeconds(60));
                        disruptions.add(new Disruption("SIGTERM", delay, traffic.produced(), leaving.name(), status));
                        assertNotEquals(-1, status, leaving.name() + " did not stop within 60 s of SIGTERM");
                        settle(admin, prometheus, group, gauges, disruptions);

                        // 4. The broker dies and comes back on the same port and data.
                        delay = random.nextInt(MAX_DELAY_MILLIS);
                        Thread.sleep(delay);
                        broker.kill();
                        assertEquals(bootstrap, broker.start(brokerPort));
                        disruptions.add(new Disruption("broker restart", delay, traffic.produced(), "broker", 0));
                        settle(admin, prometheus, group, gauges, disruptions);

                        // The episodes end while events still flow; then the stream stops and drains.
                        assertTrue(alerts.await(read -> resolved(read, drifting) >= firing(read, drifting), ALERT_TIMEOUT),
                                () -> "not every episode of " + drifting + " resolved: " + alerts.read());
                        stop.set(true);
                        production.get(1, TimeUnit.MINUTES);
                        List<ChurnTraffic.Sent> sent = traffic.sent();
                        for (ChurnTraffic.Sent event : sent) {
                            event.ack().get();
                        }
                        List<String> ids = sent.stream().map(event -> event.input().id()).toList();
                        assertTrue(outputs.awaitResults(ids, RESULTS_TIMEOUT), () -> "results for "
                                + outputs.counts().size() + " of " + ids.size() + " events");
                        assertTrue(group.awaitSettled(admin, SETTLE_TIMEOUT),
                                "every surviving instance RUNNING with its tasks");
                        assertOneOwnerPerGauge(prometheus, group, gauges, "at the end");
                        Map<List<String>, Integer> pages = pages(prometheus, testStart);

                        for (ServiceGroup.Instance survivor : group.live()) {
                            assertNotEquals(-1, survivor.process().stop(Duration.ofSeconds(60)),
                                    survivor.name() + " did not stop within 60 s of SIGTERM");
                        }
                        outputs.readToEnd(Duration.ofMinutes(1));
                        outputs.assertExactlyOnce(ids);
                        MixedTraffic.assertRoutedAsExpected(sent.stream().map(ChurnTraffic.Sent::input).toList(), outputs);
                        List<DriftAlert> allAlerts = alerts.readToEnd(Duration.ofMinutes(1));
                        assertEpisodesOnce(allAlerts, drifting, degradedFrom, pages);
                        List<WindowStats> closed = windows.readToEnd(Duration.ofMinutes(1));
                        assertEveryClosedWindowOnce(closed, sent, traffic.models(), outputs.scores());
                        LOG.info("churn test (seed {}): {}; {} events, {} scores, {} dead letters, each once; {} closed"
                                        + " windows, each once; alerts {}; pages {}", seed, disruptions, ids.size(),
                                outputs.scores().size(), outputs.deadLetters().size(), closed.size(),
                                episodes(allAlerts), pages);
                    } catch (Throwable failure) {
                        group.dumpThreads();
                        LOG.error("churn test failed (seed {}):{}\nprometheus log tail:\n{}", seed, group.describe(admin),
                                tail(prometheus.log(), 30));
                        throw failure;
                    } finally {
                        producer.shutdownNow();
                    }
                }
            }
        }
    }

    /** The committed alert rules with shorter {@code for:}, and a scrape of every instance in the targets file. */
    private static String prometheusConfig(Path dir, Path targets) throws Exception {
        String rules = Files.readString(RepoFiles.resolve("ops/prometheus/rules/perceptwatch-alerts.yml"));
        String shortened = rules.replaceAll("(?m)^(\\s+)for: 2m$", TEST_FOR);
        assertNotEquals(rules, shortened, "the drift rules wait for: 2m");
        assertTrue(shortened.contains("keep_firing_for: 2m"), "the drift rules keep firing through a fail-over");
        Path rulesFile = Files.writeString(dir.resolve("rules.yml"), shortened);
        return PrometheusProcess.config(rulesFile, """
                file_sd_configs:
                  - files: ["%s"]
                    refresh_interval: 1s
                """.formatted(targets));
    }

    /** After a disruption: the rebalance settles, then each gauge has one owner again. */
    private static void settle(Admin admin, PrometheusProcess prometheus, ServiceGroup group, Set<List<String>> gauges,
                               List<Disruption> disruptions) throws Exception {
        Disruption last = disruptions.get(disruptions.size() - 1);
        LOG.info("{}", last);
        assertTrue(group.awaitSettled(admin, SETTLE_TIMEOUT), "no settled rebalance after " + last);
        assertOneOwnerPerGauge(prometheus, group, gauges, "after " + last);
    }

    /** Waits until every model's drift state is exported; the (model, version, metric) label sets. */
    private static Set<List<String>> awaitBaselines(PrometheusProcess prometheus, List<String> models)
            throws Exception {
        long deadline = System.nanoTime() + ALERT_TIMEOUT.toNanos();
        Map<List<String>, Integer> owners = owners(prometheus);
        while (!owners.keySet().stream().map(labels -> labels.get(0)).collect(Collectors.toSet())
                .containsAll(models)) {
            if (System.nanoTime() > deadline) {
                fail("the drift state of every model " + models + " was never exported: " + owners);
            }
            Thread.sleep(500);
            owners = owners(prometheus);
        }
        Set<String> metrics = owners.keySet().stream().filter(labels -> labels.get(0).equals(models.get(0)))
                .map(labels -> labels.get(2)).collect(Collectors.toSet());
        assertTrue(metrics.contains("lpips"), "metrics with a baseline: " + metrics);
        Set<List<String>> expected = models.stream().flatMap(model -> metrics.stream()
                .map(metric -> List.of(model, ChurnTraffic.VERSION, metric))).collect(Collectors.toSet());
        LOG.info("drift state exported for {} series: {} models x {}", expected.size(), models.size(), metrics);
        return expected;
    }

    /**
     * Once every live instance has been scraped since the rebalance settled: each (model, version, metric)
     * drift state is exported by exactly one instance, none is missing, and the issue's query
     * {@code count by (model_id, model_version, metric) (perceptwatch_drift_state) > 1} returns nothing.
     */
    private static void assertOneOwnerPerGauge(PrometheusProcess prometheus, ServiceGroup group,
                                               Set<List<String>> expected, String when) throws Exception {
        double settledAt = System.currentTimeMillis() / 1000.0;
        Set<String> live = group.live().stream().map(ServiceGroup.Instance::target).collect(Collectors.toSet());
        long deadline = System.nanoTime() + GAUGE_TIMEOUT.toNanos();
        Map<List<String>, Integer> owners = Map.of();
        while (true) {
            if (scrapedSince(prometheus, live, settledAt)) {
                owners = owners(prometheus);
                if (owners.keySet().equals(expected) && owners.values().stream().allMatch(count -> count == 1)) {
                    break;
                }
            }
            if (System.nanoTime() > deadline) {
                Map<List<String>, Integer> last = owners;
                fail(when + ": drift state not exported once each; owners per series " + new TreeMap<>(last.entrySet()
                        .stream().filter(entry -> entry.getValue() != 1).collect(Collectors.toMap(
                                entry -> String.join("/", entry.getKey()), Map.Entry::getValue)))
                        + ", missing " + expected.stream().filter(labels -> !last.containsKey(labels)).toList());
            }
            Thread.sleep(500);
        }
        JsonNode duplicated = prometheus.query("count by (model_id, model_version, metric) (perceptwatch_drift_state) > 1");
        assertEquals("success", duplicated.path("status").asText(), duplicated.toString());
        assertEquals(0, duplicated.path("data").path("result").size(), when + ": " + duplicated);
        LOG.info("{}: {} drift-state series, each exported by one of {}", when, expected.size(), live);
    }

    private static boolean scrapedSince(PrometheusProcess prometheus, Set<String> targets, double since)
            throws Exception {
        Map<String, Double> lastScrape = new HashMap<>();
        for (JsonNode series : result(prometheus.query("timestamp(up{job=\"perceptwatch\"} == 1)"))) {
            lastScrape.put(series.path("metric").path("instance").asText(), series.path("value").get(1).asDouble());
        }
        return targets.stream().allMatch(target -> lastScrape.getOrDefault(target, 0.0) > since);
    }

    /** How many instances export each (model, version, metric) drift state now. */
    private static Map<List<String>, Integer> owners(PrometheusProcess prometheus) throws Exception {
        Map<List<String>, Integer> owners = new HashMap<>();
        for (JsonNode series : result(prometheus.query(
                "count by (model_id, model_version, metric) (perceptwatch_drift_state)"))) {
            JsonNode labels = series.path("metric");
            owners.put(List.of(labels.path("model_id").asText(), labels.path("model_version").asText(),
                    labels.path("metric").asText()), series.path("value").get(1).asInt());
        }
        return owners;
    }

    /** The instance (metrics target) that exports the model's LPIPS drift state: its drift task's owner. */
    private static String driftOwner(PrometheusProcess prometheus, String model) throws Exception {
        JsonNode series = result(prometheus.query(
                "perceptwatch_drift_state{model_id=\"" + model + "\",metric=\"lpips\"}"));
        assertEquals(1, series.size(), "one instance exports the drift state of " + model + ": " + series);
        return series.get(0).path("metric").path("instance").asText();
    }

    private static void awaitPage(PrometheusProcess prometheus, String model) throws Exception {
        long deadline = System.nanoTime() + ALERT_TIMEOUT.toNanos();
        String firing = "ALERTS{alertname=\"" + DRIFT_ALERT + "\",alertstate=\"firing\",model_id=\"" + model + "\"}";
        while (result(prometheus.query(firing)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("the paging rule never fired for " + model + ": " + prometheus.api("/api/v1/rules"));
            }
            Thread.sleep(500);
        }
    }

    /**
     * How often the drift rule paged, per (model, version, metric) and over both severities, since
     * {@code from}: the runs of its firing ALERTS series, a run ending where the series is absent for longer
     * than a missed evaluation or two.
     */
    private static Map<List<String>, Integer> pages(PrometheusProcess prometheus, Instant from) throws Exception {
        JsonNode range = prometheus.api("/api/v1/query_range",
                "query", "ALERTS{alertname=\"" + DRIFT_ALERT + "\",alertstate=\"firing\"}",
                "start", Long.toString(from.getEpochSecond()), "end", Long.toString(Instant.now().getEpochSecond()),
                "step", "1");
        assertEquals("success", range.path("status").asText(), range.toString());
        Map<List<String>, Integer> pages = new HashMap<>();
        for (JsonNode series : result(range)) {
            JsonNode labels = series.path("metric");
            List<String> key = List.of(labels.path("model_id").asText(), labels.path("model_version").asText(),
                    labels.path("metric").asText());
            double previous = Double.NEGATIVE_INFINITY;
            int runs = 0;
            for (JsonNode sample : series.path("values")) {
                double at = sample.get(0).asDouble();
                if (at - previous > 2.5) {
                    runs++;
                }
                previous = at;
            }
            pages.merge(key, runs, Integer::sum);
        }
        return pages;
    }

    private static JsonNode result(JsonNode answer) {
        assertEquals("success", answer.path("status").asText(), answer.toString());
        return answer.path("data").path("result");
    }

    private static long firing(List<DriftAlert> alerts, String model) {
        return alerts.stream().filter(alert -> alert.getModelId().equals(model)
                && alert.getState() == AlertState.FIRING).count();
    }

    private static long resolved(List<DriftAlert> alerts, String model) {
        return alerts.stream().filter(alert -> alert.getModelId().equals(model)
                && alert.getState() == AlertState.RESOLVED).count();
    }

    /** The states each alert id went through, in the order published. */
    private static Map<String, List<AlertState>> episodes(List<DriftAlert> alerts) {
        Map<String, List<AlertState>> episodes = new LinkedHashMap<>();
        alerts.forEach(alert -> episodes.computeIfAbsent(alert.getAlertId().toString(), id -> new ArrayList<>())
                .add(alert.getState()));
        return episodes;
    }

    /**
     * No episode fired or resolved twice (two owners) or resolved unfired; every episode of the degraded model
     * fired after the degradation began and resolved (none lost), one per metric, LPIPS among them, and paged
     * once; no other model paged more often than it had episodes.
     */
    private static void assertEpisodesOnce(List<DriftAlert> alerts, String drifting, Instant degradedFrom,
                                           Map<List<String>, Integer> pages) {
        Map<String, List<AlertState>> episodes = episodes(alerts);
        episodes.forEach((id, states) -> assertTrue(states.equals(List.of(AlertState.FIRING))
                        || states.equals(List.of(AlertState.FIRING, AlertState.RESOLVED)),
                () -> "episode " + id + " went " + states + " (all: " + episodes + ")"));
        Map<String, Long> episodesPerMetric = new TreeMap<>();
        for (DriftAlert alert : alerts) {
            if (alert.getState() != AlertState.FIRING) {
                continue;
            }
            List<String> key = List.of(alert.getModelId().toString(), alert.getModelVersion().toString(),
                    alert.getMetric().toString());
            if (alert.getModelId().equals(drifting)) {
                episodesPerMetric.merge(alert.getMetric().toString(), 1L, Long::sum);
                assertEquals(List.of(AlertState.FIRING, AlertState.RESOLVED), episodes.get(alert.getAlertId().toString()),
                        "episode " + alert.getAlertId() + " of the degraded model");
                assertTrue(alert.getWindowEnd().isAfter(degradedFrom.minus(ChurnTraffic.STEP)),
                        () -> "fired before the degradation began at " + degradedFrom + ": " + alert);
                assertEquals(1, pages.getOrDefault(key, 0), "pages for the episode of " + key + ": " + pages);
            }
        }
        assertTrue(episodesPerMetric.containsKey("lpips"), "episodes of " + drifting + ": " + episodesPerMetric);
        episodesPerMetric.forEach((metric, count) -> assertEquals(1L, count, "episodes of " + drifting + " " + metric));
        pages.forEach((key, count) -> assertTrue(count <= alerts.stream().filter(alert -> alert.getState()
                        == AlertState.FIRING && List.of(alert.getModelId().toString(), alert.getModelVersion().toString(),
                        alert.getMetric().toString()).equals(key)).count(),
                () -> key + " paged " + count + " times: " + episodes));
    }

    /**
     * Each model's closed windows are on the topic once each, none missing between its first and its last, and
     * each counts exactly the model's scores in its time range (none lost, none twice) and at most its dead
     * letters (a letter arriving after its window closed is dropped from the count, as late input is).
     * ChurnTraffic gives each model its own partitions, so no event of a model is late for its windows unless
     * the service reorders them.
     */
    private static void assertEveryClosedWindowOnce(List<WindowStats> closed, List<ChurnTraffic.Sent> sent,
                                                    List<String> models, List<QualityScore> scores) {
        Map<String, Long> scored = new HashMap<>();
        Map<String, Long> errors = new HashMap<>();
        for (ChurnTraffic.Sent event : sent) {
            String window = event.modelId() + "@" + ChurnTraffic.windowStart(event.producedAt(), WINDOW);
            if (ChurnTraffic.scored(event)) {
                scored.merge(window, 1L, Long::sum);
            } else if (ChurnTraffic.countedAsError(event)) {
                errors.merge(window, 1L, Long::sum);
            }
        }
        Instant first = ChurnTraffic.windowStart(sent.get(0).producedAt(), WINDOW);
        List<String> wrong = new ArrayList<>();
        List<String> incomplete = new ArrayList<>();
        for (String model : models) {
            List<WindowStats> own = closed.stream().filter(stats -> stats.getModelId().equals(model))
                    .sorted((a, b) -> a.getWindowStart().compareTo(b.getWindowStart())).toList();
            assertTrue(own.size() >= 10, () -> model + " closed only " + own.size() + " windows");
            Set<Instant> starts = new HashSet<>();
            for (WindowStats stats : own) {
                String window = model + "@" + stats.getWindowStart();
                if (!starts.add(stats.getWindowStart())) {
                    wrong.add(window + " twice");
                }
                long due = scored.getOrDefault(window, 0L);
                if (stats.getCount() > due || stats.getErrors() > errors.getOrDefault(window, 0L)) {
                    wrong.add(window + " counts " + stats.getCount() + " scores of " + due + " and "
                            + stats.getErrors() + " errors of " + errors.getOrDefault(window, 0L));
                } else if (stats.getCount() < due) {
                    incomplete.add(window + " counts " + stats.getCount() + " scores of " + due);
                }
            }
            Instant last = own.get(own.size() - 1).getWindowStart();
            for (Instant start = first; start.isBefore(last); start = start.plus(WINDOW)) {
                if (!starts.contains(start)) {
                    incomplete.add(model + "@" + start + " missing");
                }
            }
        }
        assertEquals(List.of(), wrong.stream().limit(20).toList(), "closed windows on the window-stats topic");
        assertEquals(List.of(), incomplete.stream().limit(20).toList(), () -> "closed windows short of scores or"
                + " missing; scores later than the grace on their topic: " + lateScores(scores, models));
    }

    /**
     * For a failure's message: per model, the scores that came after one of a window already closed for them
     * (produced_at more than the grace before the newest one before them on the topic), as "event id @ produced_at
     * after newest", at most 10 per model.
     */
    private static Map<String, List<String>> lateScores(List<QualityScore> scores, List<String> models) {
        Map<String, List<String>> late = new TreeMap<>();
        for (String model : models) {
            Instant newest = Instant.EPOCH;
            for (QualityScore score : scores) {
                if (!score.getModelId().equals(model)) {
                    continue;
                }
                if (score.getProducedAt().isBefore(newest.minus(GRACE))) {
                    List<String> own = late.computeIfAbsent(model, m -> new ArrayList<>());
                    if (own.size() < 10) {
                        own.add(score.getEventId() + " @ " + score.getProducedAt() + " after " + newest);
                    }
                } else if (score.getProducedAt().isAfter(newest)) {
                    newest = score.getProducedAt();
                }
            }
        }
        return late;
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
