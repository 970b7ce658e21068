package dev.perceptwatch.bench;

import dev.perceptwatch.commandline.SamplePairs;
import dev.perceptwatch.commandline.UserFixableException;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.MetricStats;
import dev.perceptwatch.events.Severity;
import dev.perceptwatch.events.WorstExample;
import dev.perceptwatch.service.PerceptWatchService;
import dev.perceptwatch.topology.AvroSerdes;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"What the web console costs: the time until an alert page with its worst examples has all "
                + "its images (cold: nothing cached; warm: loaded again), and the service's pairs per second while "
                + "pages are loaded in a loop against without, alternated in one run.",
                "The pages are loaded by an HTTP client that fetches the page, then its images over 6 connections "
                        + "as a browser does (not a browser: no layout or decoding).",
                "Without --bootstrap/--registry it starts a broker and the registry as 'bench pipeline' does."})
final class ConsoleBenchCommand implements Callable<Integer> {
    /** Worst examples of an alert. */
    private static final int EXAMPLES = 5;

    @Mixin
    BenchOptions input;
    @Mixin
    ClusterOptions servers;
    @Option(names = "--alerts", defaultValue = "6", description = "Alerts of " + EXAMPLES + " distinct examples "
            + "each (default 6): each first load is a cold one, and the loop cycles through them.")
    int alerts;
    @Option(names = "--warm-loads", defaultValue = "5", description = "Loads again of each alert page (default 5).")
    int warmLoads;
    @Option(names = "--rounds", defaultValue = "3", description = "A/B rounds (default 3), each a drain without "
            + "and one with the page loop, in alternating order.")
    int rounds;
    @Option(names = "--events", defaultValue = "300", description = "Events each drain scores (default 300).")
    int events;
    @Option(names = "--cold-pause", defaultValue = "8000", description = "Milliseconds of quiet before each cold "
            + "load (default 8000): one page opened on an idle console, whose CPU budget has refilled.")
    long coldPauseMillis;
    @Option(names = "--loop-pause", defaultValue = "0", description = "Milliseconds between two page loads of the "
            + "loop (default 0: back to back).")
    long loopPauseMillis;

    @Override
    public Integer call() throws Exception {
        if (alerts < 1 || warmLoads < 1 || rounds < 1 || events < 2 || loopPauseMillis < 0 || coldPauseMillis < 0
                || !servers.complete()) {
            throw new IllegalArgumentException("need --alerts, --warm-loads and --rounds >= 1, --events >= 2, "
                    + "--loop-pause and --cold-pause >= 0, and --bootstrap and --registry together or neither");
        }
        PrintWriter out = input.out();
        List<SamplePairs.Sample> samples = input.load();
        // One more alert than measured: the first page load warms the console's code up.
        int published = alerts + 1;
        if (samples.size() < EXAMPLES * published) {
            throw new UserFixableException("--images " + input.images + " gives " + samples.size() + " pairs of "
                    + input.size + "x" + input.size + "; the bench needs " + EXAMPLES * published
                    + " (--pairs, fewer --alerts or a smaller --size)");
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("size", input.size);
        figures.put("examples", EXAMPLES);
        figures.put("load_before", loadAverage());
        try (LocalCluster cluster = servers.open(out)) {
            Topics topics = cluster.createTopics(run, 1);
            Map<String, String> env = servers.serviceEnvironment(cluster, topics, run, input.scoring);
            env.putIfAbsent("PERCEPTWATCH_CONSOLE_PORT", "0");
            Settings settings = Settings.load(null, env);
            AvroSerdes serdes = PerceptWatchService.registrySerdes(settings.kafka());
            try (PerceptWatchService service = PerceptWatchService.start(settings);
                 ScoreCollector collector = new ScoreCollector(cluster.bootstrap(), topics, serdes);
                 BenchProducer producer = new BenchProducer(cluster.bootstrap(), topics.generations(), serdes, samples,
                         run, 1)) {
                PipelineBenchCommand.awaitRunning(service);
                out.printf(Locale.ROOT, "service %s, console %s, %s on %d cores; %d alerts of %d %dx%d examples%n",
                        run, service.consoleUrl(), settings.scoring().model(),
                        Runtime.getRuntime().availableProcessors(), alerts, EXAMPLES, input.size, input.size);
                out.flush();
                List<String> ids = producer.send(EXAMPLES * published, 0);
                collector.await(ids, PipelineBenchCommand.STALL);
                List<String> pages = publishAlerts(serdes, cluster.bootstrap(), topics, ids);
                try (PageLoads loads = new PageLoads(service.consoleUrl(), settings.console().token())) {
                    loads.awaitKnown(pages.get(pages.size() - 1));
                    pageTimes(loads, pages, figures, out);
                    throughput(producer, collector, loads, pages, figures, out);
                }
            }
        }
        figures.put("load_after", loadAverage());
        Figures.print(figures, out);
        return 0;
    }

    /**
     * Alerts of the stream's own events, {@code EXAMPLES} each, written to the alerts topic as the drift stage
     * writes them (their worst examples at the events' positions); returns their console pages.
     */
    private List<String> publishAlerts(AvroSerdes serdes, String bootstrap, Topics topics, List<String> ids)
            throws Exception {
        List<String> pages = new ArrayList<>();
        Map<String, long[]> positions = positions(bootstrap, topics.generations(), ids);
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        try (KafkaProducer<String, DriftAlert> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                serdes.valueSerde(DriftAlert.class).serializer())) {
            for (int a = 0; a < ids.size() / EXAMPLES; a++) {
                List<WorstExample> worst = new ArrayList<>();
                for (String id : ids.subList(a * EXAMPLES, (a + 1) * EXAMPLES)) {
                    long[] at = positions.get(id);
                    worst.add(new WorstExample(id, 0.5, topics.generations(), (int) at[0], at[1], null, null, null));
                }
                Instant start = hour.minus(a + 1, ChronoUnit.MINUTES);
                String alertId = "bench/v1/lpips/" + start.toEpochMilli();
                MetricStats observed = MetricStats.newBuilder().setMetric("lpips").setCount(EXAMPLES).setMean(0.5)
                        .setStd(0.1).setMin(0.4).setMax(0.6).setP50(0.5).setP90(0.6).setP99(0.6).build();
                producer.send(new ProducerRecord<>(topics.alerts(), "bench", DriftAlert.newBuilder()
                        .setAlertId(alertId).setModelId("bench").setModelVersion("v1").setMetric("lpips")
                        .setState(AlertState.FIRING).setSeverity(Severity.WARNING).setDetector("bench")
                        .setWindowStart(start).setWindowEnd(start.plusSeconds(60)).setObserved(observed)
                        .setBaselineMean(0.2).setBaselineStd(0.05).setBaselineP90(0.3).setStatistic(6).setThreshold(4)
                        .setWorstEventIds(worst.stream().map(WorstExample::getEventId).toList())
                        .setWorstExamples(worst).setSummary("bench alert " + a).build())).get();
                pages.add("/alerts/bench/v1/lpips/" + start.toEpochMilli());
            }
        }
        return pages;
    }

    /** Each event's partition and offset on the generations topic, read back by its key (the event id). */
    private static Map<String, long[]> positions(String bootstrap, String topic, List<String> ids) {
        Map<String, long[]> positions = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = CommittedReads.fromBeginning(bootstrap, List.of(topic))) {
            long deadline = System.nanoTime() + PipelineBenchCommand.STALL.toNanos();
            while (!positions.keySet().containsAll(ids)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the bench's events are not all on " + topic);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    positions.put(record.key(), new long[] {record.partition(), record.offset()});
                }
            }
        }
        return positions;
    }

    private void pageTimes(PageLoads loads, List<String> pages, Map<String, Object> figures, PrintWriter out)
            throws Exception {
        List<PageLoads.Load> cold = new ArrayList<>();
        List<PageLoads.Load> warm = new ArrayList<>();
        // The first page runs the console's code for the first time (class loading, JIT); it is not a figure.
        long first = loads.load(pages.get(0)).nanos();
        figures.put("first_page_ms", first / 1_000_000);
        out.printf(Locale.ROOT, "first alert page after start (unmeasured warm-up): %d ms%n", first / 1_000_000);
        for (String page : pages.subList(1, pages.size())) {
            Thread.sleep(coldPauseMillis);
            cold.add(loads.load(page));
            for (int i = 0; i < warmLoads; i++) {
                warm.add(loads.load(page));
            }
        }
        for (List<PageLoads.Load> list : List.of(cold, warm)) {
            String name = list == cold ? "cold" : "warm";
            PageLoads.Summary summary = PageLoads.summarize(list);
            figures.put(name + "_page_ms_p50", summary.p50Millis());
            figures.put(name + "_page_ms_max", summary.maxMillis());
            figures.put(name + "_images_per_page", summary.images());
            figures.put(name + "_failed_images", summary.failedImages());
            out.printf(Locale.ROOT, "%s alert page + %d images (HTTP client, 6 connections): p50 %d ms, max %d ms "
                            + "over %d loads; %d images not 200%n", name, summary.images(), summary.p50Millis(),
                    summary.maxMillis(), list.size(), summary.failedImages());
            out.flush();
        }
    }

    /** Drains without and with the page loop, alternating which comes first, in one run. */
    private void throughput(BenchProducer producer, ScoreCollector collector, PageLoads loads,
                            List<String> pages, Map<String, Object> figures, PrintWriter out)
            throws Exception {
        PipelineBenchCommand.drainBacklog(producer, collector, events);
        List<Double> without = new ArrayList<>();
        List<Double> with = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        CpuTimes cpu = new CpuTimes(0, 0, 0);
        List<PageLoads.Load> loopLoads = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (boolean loop : round % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                double pairsPerSecond;
                if (loop) {
                    CpuTimes before = CpuTimes.now();
                    AtomicBoolean stop = new AtomicBoolean();
                    List<PageLoads.Load> these = new ArrayList<>();
                    Thread loader = new Thread(() -> these.addAll(loads.loop(pages, loopPauseMillis, stop)),
                            PageLoads.THREAD_PREFIX + "loop");
                    loader.start();
                    try {
                        pairsPerSecond = PipelineBenchCommand.drainBacklog(producer, collector, events);
                    } finally {
                        stop.set(true);
                        loader.join();
                    }
                    cpu = cpu.plus(CpuTimes.now().minus(before));
                    loopLoads.addAll(these);
                    with.add(pairsPerSecond);
                    out.printf(Locale.ROOT, "round %d with the page loop:    %.2f pairs/s (%d page loads)%n",
                            round + 1, pairsPerSecond, these.size());
                } else {
                    pairsPerSecond = PipelineBenchCommand.drainBacklog(producer, collector, events);
                    without.add(pairsPerSecond);
                    out.printf(Locale.ROOT, "round %d without:               %.2f pairs/s%n", round + 1, pairsPerSecond);
                }
                out.flush();
            }
            ratios.add(with.get(round) / without.get(round));
        }
        double a = mean(without);
        double b = mean(with);
        PageLoads.Summary loop = PageLoads.summarize(loopLoads);
        figures.put("events_per_drain", events);
        figures.put("without_pairs_per_second", without.stream().map(Figures::round).toList());
        figures.put("with_loop_pairs_per_second", with.stream().map(Figures::round).toList());
        figures.put("stream_cost", Figures.round(1 - b / a));
        double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double medianRatio = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        figures.put("round_ratios", ratios.stream().map(Figures::round).toList());
        figures.put("stream_cost_median_round", Figures.round(1 - medianRatio));
        figures.put("loop_page_loads", loopLoads.size());
        figures.put("loop_page_ms_p50", loop.p50Millis());
        figures.put("loop_failed_images", loop.failedImages());
        // On a machine as busy as this one the throughput ratio is noisy; the CPU the console's threads took
        // beside the rest of the service (this JVM less the page loader, which stands for a browser elsewhere)
        // is what it takes from the stream on a saturated machine, and depends little on the other tenants.
        double consoleShare = (double) cpu.console() / (cpu.process() - cpu.loader());
        figures.put("console_cpu_s", Figures.round(cpu.console() / 1e9));
        figures.put("service_cpu_s", Figures.round((cpu.process() - cpu.loader()) / 1e9));
        figures.put("console_cpu_share", Figures.round(consoleShare));
        figures.put("loader_cpu_s", Figures.round(cpu.loader() / 1e9));
        figures.put("scored_events", collector.scored());
        figures.put("dead_letters", collector.deadLetters().size());
        out.printf(Locale.ROOT, "stream %.2f pairs/s without, %.2f with pages loaded in a loop (%d loads, p50 %d ms, "
                        + "%d images not 200): the console costs it %.1f%% (means), %.1f%% (median of the rounds' "
                        + "with/without)%n", a, b, loopLoads.size(), loop.p50Millis(), loop.failedImages(),
                100 * (1 - b / a), 100 * (1 - medianRatio));
        out.printf(Locale.ROOT, "while the loop ran the console's threads took %.1f s of CPU, %.1f%% of the service's "
                + "%.1f s (this JVM less the page loader, which took %.1f s: a browser's share on this machine)%n",
                cpu.console() / 1e9, 100 * consoleShare, (cpu.process() - cpu.loader()) / 1e9, cpu.loader() / 1e9);
    }

    /**
     * CPU nanoseconds of this process, of the console's threads (its HTTP server, loads, index reader and the
     * spatial-map worker, whose model run is on that thread) and of the bench's page loader.
     */
    private record CpuTimes(long process, long console, long loader) {
        static CpuTimes now() {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long console = 0;
            long loader = 0;
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                String name = thread.getName();
                long nanos = Math.max(0, threads.getThreadCpuTime(thread.getId()));
                if (name.startsWith("perceptwatch-console-") || name.equals("perceptwatch-spatial-maps")
                        || name.startsWith("HTTP-Dispatcher")) {
                    console += nanos;
                } else if (name.startsWith(PageLoads.THREAD_PREFIX) || name.startsWith("HttpClient-")) {
                    loader += nanos;
                }
            }
            long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            return new CpuTimes(process, console, loader);
        }

        CpuTimes minus(CpuTimes other) {
            return new CpuTimes(process - other.process, console - other.console, loader - other.loader);
        }

        CpuTimes plus(CpuTimes other) {
            return new CpuTimes(process + other.process, console + other.console, loader + other.loader);
        }
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
