package dev.perceptwatch.bench;

import dev.perceptwatch.commandline.SamplePairs;
import dev.perceptwatch.commandline.ScoringOptions;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import dev.perceptwatch.scoring.BatchListener;
import dev.perceptwatch.scoring.EncodedPairScorer;
import dev.perceptwatch.scoring.ScoringEngine;
import dev.perceptwatch.service.PerceptWatchService;
import dev.perceptwatch.topology.AvroSerdes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"End-to-end throughput and latency of the service through a real broker, beside the offline "
                + "scorer on the same pairs, in one run.",
                "Without --bootstrap/--registry it starts a Kafka broker and the schema registry with ops/kafka.sh "
                        + "and ops/registry.sh (building the registry first when it is not built) and stops them at "
                        + "the end.",
                "Each run uses its own topics and application id. Other service settings come from PERCEPTWATCH_* "
                        + "environment variables, as for 'run'.",
                "With --instances N the service runs as N processes of one application id instead (no offline "
                        + "scorer, no latency phase): they drain a backlog, and total and per-instance pairs/s are "
                        + "reported; --kill adds the fail-over time of a SIGKILLed instance."})
final class PipelineBenchCommand implements Callable<Integer> {
    /** The latency phase is kept to about this long at the paced rate. */
    private static final double LATENCY_PHASE_SECONDS = 60;
    /** The offline measurement stops after --events pairs or this long, whichever comes first. */
    private static final double OFFLINE_SECONDS = 60;
    /** The second offline measurement runs compiled code already; its new model session needs a few batches. */
    private static final double OFFLINE_REWARM_SECONDS = 5;
    /** A phase fails when no new score arrives for this long. */
    static final Duration STALL = Duration.ofSeconds(120);

    @Mixin
    BenchOptions input;
    @Option(names = "--events", defaultValue = "600", description = "Events of the backlog phase (default 600): "
            + "loaded in one transaction, which the service reads only once it is committed, then drained.")
    int events;
    @Option(names = "--concurrent-events", description = "Events of the concurrent phase, produced unpaced while "
            + "the service scores (default: --events; 0 skips the phase).")
    Integer concurrentEvents;
    @Mixin
    ClusterOptions servers;
    @Option(names = "--rate", description = "Events per second of the latency phase (default: 70%% of the measured "
            + "pipeline throughput, so that queueing does not dominate).")
    Double rate;
    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the generations topic (default 6).")
    int partitions;
    @Option(names = "--warm-up", defaultValue = "60", description = "Unmeasured seconds before each throughput "
            + "measurement (default 60): the offline scorer scores for this long, and the service drains a backlog "
            + "of this many seconds' worth of events at the offline rate, so that both are measured in compiled "
            + "code. The JIT compiles the Kafka clients', Kafka Streams' and the broker's paths on first use, on "
            + "the same cores.")
    double warmUpSeconds;
    @Option(names = "--instances", defaultValue = "0", description = "Run the service as this many processes "
            + "('perceptwatch run', one application id) and measure their drain of a --events backlog (default 0: "
            + "the service in this JVM, beside the offline scorer).")
    int instances;
    @Option(names = "--pin", description = "With --instances: pin instance i to CPU i (taskset), so that each has "
            + "one core of its own and sizes its threads for it.")
    boolean pin;
    @Option(names = "--kill", description = "With --instances >= 2: then pace events (at --rate, default half the "
            + "measured throughput), SIGKILL instance 1 and measure until its partitions are scored again.")
    boolean kill;
    @Option(names = "--reference-reuse", defaultValue = "0", description = "Events per reference, the references "
            + "published by id on the references topic, each used by this many events in a row; the pipeline is then "
            + "measured twice in the run, with the reference feature cache off (today's path) and on (default 0: "
            + "references inline, measured once).")
    int referenceReuse;
    @Option(names = "--models", defaultValue = "1", description = "Model ids the events cycle through (default 1), "
            + "each with its windows and drift state.")
    int models;

    @Override
    public Integer call() throws Exception {
        if (concurrentEvents == null) {
            concurrentEvents = events;
        }
        if (events < 2 || concurrentEvents < 0 || partitions < 1 || (rate != null && !(rate > 0))
                || !(warmUpSeconds >= 0) || !servers.complete() || instances < 0 || models < 1
                || ((pin || kill) && instances == 0) || (kill && instances < 2) || referenceReuse < 0
                || (referenceReuse > 0 && instances > 0)) {
            throw new IllegalArgumentException("need --events >= 2, --concurrent-events >= 0, --partitions >= 1, "
                    + "--rate > 0, --warm-up >= 0, --models >= 1, --bootstrap and --registry together or neither, "
                    + "--pin or --kill only with --instances (--kill with 2 or more), and --reference-reuse >= 0, "
                    + "without --instances");
        }
        PrintWriter out = input.out();
        List<SamplePairs.Sample> samples = input.load();
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (PeakMemory memory = new PeakMemory();
             LocalCluster cluster = servers.open(out)) {
            Topics topics = cluster.createTopics(run, partitions);
            Settings settings = Settings.load(null, servers.serviceEnvironment(cluster, topics, run, input.scoring));
            out.printf(Locale.ROOT, "broker %s, registry %s, run %s: %d events, %d distinct %dx%d pairs, "
                            + "%d partitions, batch %d, %d in flight per task, %d cores%n", cluster.bootstrap(),
                    cluster.registryUrl(), run, events, samples.size(), input.size, input.size, partitions,
                    settings.scoring().batchSize(), settings.processing().maxInFlightPerTask(),
                    Runtime.getRuntime().availableProcessors());
            out.flush();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("size", input.size);
            figures.put("events", events);
            figures.put("partitions", partitions);
            figures.put("max_in_flight_per_task", settings.processing().maxInFlightPerTask());
            figures.put("batch_size", settings.scoring().batchSize());
            if (instances > 0) {
                instances(samples, settings, cluster, topics, run, figures, out);
                return 0;
            }
            double before = offline(samples, settings, warmUpSeconds, "before", figures, out);
            int warmUpBacklog = (int) Math.round(before * warmUpSeconds);
            if (referenceReuse > 0) {
                figures.put("reference_reuse", referenceReuse);
                figures.put("cache_off", cacheOff(samples, cluster, run, warmUpBacklog, out));
                out.println("pipeline with the reference feature cache on, the same references:");
            }
            pipeline(samples, settings, cluster.bootstrap(), topics, run, warmUpBacklog, figures, out);
            if (figures.get("cache_off") instanceof Map<?, ?> off) {
                double cached = (double) figures.get("pipeline_pairs_per_second");
                figures.put("cached_to_cache_off",
                        Figures.round(cached / (double) off.get("pipeline_pairs_per_second")));
                out.printf(Locale.ROOT, "reference reuse %d: cache on %.1f pairs/s = %.2fx cache off%n", referenceReuse,
                        cached, cached / (double) off.get("pipeline_pairs_per_second"));
            }
            double after = offline(samples, settings, Math.min(warmUpSeconds, OFFLINE_REWARM_SECONDS), "after",
                    figures, out);
            // The machine's speed drifts over minutes (other tenants, clocks); the mean of a measurement on each
            // side of the pipeline's is the fairer reference.
            double offline = (before + after) / 2;
            double pipeline = (double) figures.get("pipeline_pairs_per_second");
            figures.put("offline_before_pairs_per_second", Figures.round(before));
            figures.put("offline_after_pairs_per_second", Figures.round(after));
            figures.put("offline_pairs_per_second", Figures.round(offline));
            figures.put("pipeline_to_offline", Figures.round(pipeline / offline));
            if (figures.get("concurrent_pairs_per_second") instanceof Double concurrent) {
                figures.put("concurrent_to_offline", Figures.round(concurrent / offline));
            }
            figures.put("peak_rss_mb", Figures.round(PeakMemory.peakRssMegabytes()));
            figures.put("peak_heap_mb", Figures.round(memory.peakHeapMegabytes()));
            figures.put("peak_heap_after_gc_mb", Figures.round(memory.peakHeapAfterGcMegabytes()));
            String whileProducing = figures.get("concurrent_to_offline") instanceof Double ratio
                    ? String.format(Locale.ROOT, ", %.0f%% while producing", 100 * ratio) : "";
            out.printf(Locale.ROOT, "pipeline %.1f pairs/s = %.0f%% of offline (the mean of before and after) from "
                            + "a backlog%s; peak RSS %.0f MiB (this whole JVM: offline scorer, service, producer, "
                            + "consumer), peak used heap %.0f MiB, after GC %.0f MiB (1 s samples)%n",
                    pipeline, 100 * pipeline / offline, whileProducing,
                    figures.get("peak_rss_mb"), figures.get("peak_heap_mb"), figures.get("peak_heap_after_gc_mb"));
            Figures.print(figures, out);
        }
        return 0;
    }

    /**
     * The pipeline with the reference feature cache off, on topics and an application id of its own (the same
     * events, the same references by id): today's path, to compare the cached one with in this run.
     */
    private Map<String, Object> cacheOff(List<SamplePairs.Sample> samples, LocalCluster cluster, String run,
                                         int warmUpBacklog, PrintWriter out) throws Exception {
        String offRun = run + "-off";
        Topics topics = cluster.createTopics(offRun, partitions);
        Map<String, String> env = servers.serviceEnvironment(cluster, topics, offRun, input.scoring);
        env.put(ScoringOptions.environmentName("scoring.reference-cache-bytes"), "0");
        out.println("pipeline with the reference feature cache off (today's path), references by id:");
        Map<String, Object> off = new LinkedHashMap<>();
        pipeline(samples, Settings.load(null, env), cluster.bootstrap(), topics, run, warmUpBacklog, off, out);
        return off;
    }

    /** {@code --instances N}: the service as N processes of this jar's {@code run}; see {@link InstancesBench}. */
    private void instances(List<SamplePairs.Sample> samples, Settings settings, LocalCluster cluster, Topics topics,
                           String run, Map<String, Object> figures, PrintWriter out) throws Exception {
        Map<String, String> env = servers.serviceEnvironment(cluster, topics, run, input.scoring);
        env.keySet().removeIf(name -> !name.startsWith("PERCEPTWATCH_"));
        AvroSerdes serdes = PerceptWatchService.registrySerdes(settings.kafka());
        figures.put("models", models);
        figures.put("num_standby_replicas", settings.kafka().clientProperties().getOrDefault("num.standby.replicas", "0"));
        figures.put("session_timeout_ms", settings.kafka().clientProperties().getOrDefault("session.timeout.ms",
                "Kafka's default"));
        try (ServiceInstances processes = new ServiceInstances(cluster.dir(), input.entryPoint(), env, pin);
             ScoreCollector collector = new ScoreCollector(cluster.bootstrap(), topics, serdes);
             BenchProducer producer = new BenchProducer(cluster.bootstrap(), topics.generations(), serdes, samples, run,
                     models);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
            InstancesBench bench = new InstancesBench(processes, producer, collector, topics, partitions, out);
            bench.throughput(instances, events, figures);
            if (kill) {
                double paced = rate != null ? rate : 0.5 * (double) figures.get("pairs_per_second");
                bench.failover(paced, admin, settings.kafka().applicationId(), figures);
            }
            figures.put("scored_events", collector.scored());
            figures.put("dead_letters", collector.deadLetters().size());
            figures.put("duplicate_scores", collector.duplicates());
        }
        Figures.print(figures, out);
    }

    /** The offline scorer with the service's scoring settings, on the same pairs, after a warm-up. */
    private double offline(List<SamplePairs.Sample> samples, Settings settings, double warmUp, String when,
                           Map<String, Object> figures, PrintWriter out) {
        try (ScoringEngine engine = ScoringEngine.open(settings.scoring(), BatchListener.NONE);
             EncodedPairScorer scorer = input.scoring.encodedScorer(engine)) {
            int inFlight = 4 * settings.scoring().batchSize();
            ScoringLoop.pairsPerSecond(scorer, ScoringLoop.cycling(samples), inFlight, Long.MAX_VALUE, warmUp);
            double pairsPerSecond = ScoringLoop.pairsPerSecond(scorer, ScoringLoop.cycling(samples), inFlight, events,
                    OFFLINE_SECONDS);
            figures.put("model", engine.model().name());
            figures.put("device", engine.model().device().toString());
            out.printf(Locale.ROOT, "offline  %s on %s, %d in flight, %s the pipeline: %.1f pairs/s%n",
                    engine.model().name(), engine.model().device(), inFlight, when, pairsPerSecond);
            out.flush();
            return pairsPerSecond;
        }
    }

    private void pipeline(List<SamplePairs.Sample> samples, Settings settings, String bootstrap, Topics topics,
                          String run, int warmUpBacklog, Map<String, Object> figures, PrintWriter out)
            throws Exception {
        AvroSerdes serdes = PerceptWatchService.registrySerdes(settings.kafka());
        try (PerceptWatchService service = PerceptWatchService.start(settings);
             ScoreCollector collector = new ScoreCollector(bootstrap, topics, serdes);
             BenchProducer producer = new BenchProducer(bootstrap, topics.generations(), serdes, samples, run,
                     models, topics.references(), referenceReuse)) {
            awaitRunning(service);
            int firstEvents = 2 * settings.scoring().batchSize();
            collector.await(producer.send(firstEvents, 0), STALL);
            if (warmUpBacklog > 0) {
                double cold = drainBacklog(producer, collector, warmUpBacklog);
                out.printf(Locale.ROOT, "warm-up  %d events from a backlog, unmeasured: %.1f pairs/s%n", warmUpBacklog,
                        cold);
                out.flush();
                figures.put("warm_up_pairs_per_second", Figures.round(cold));
            }
            double pipeline = drainBacklog(producer, collector, events);
            out.printf(Locale.ROOT, "pipeline %d events from a backlog: %.1f pairs/s%n", events, pipeline);
            out.flush();

            double concurrent = 0;
            LatencySummary loaded = null;
            if (concurrentEvents > 0) {
                producer.publishReferences(concurrentEvents);
                long firstSend = System.currentTimeMillis();
                loaded = LatencySummary.of(collector.await(producer.send(concurrentEvents, 0), STALL).values());
                concurrent = loaded.eventsPerSecondSince(firstSend, concurrentEvents);
                out.printf(Locale.ROOT, "pipeline %d events produced unpaced while scoring (producer in this JVM): "
                        + "%.1f pairs/s; latency under load p50 %d ms, p99 %d ms%n", concurrentEvents, concurrent,
                        loaded.p50(), loaded.p99());
                out.flush();
            }

            double paced = rate != null ? rate : 0.7 * (concurrent > 0 ? Math.min(pipeline, concurrent) : pipeline);
            int count = (int) Math.max(1, Math.min(events / 2, Math.round(paced * LATENCY_PHASE_SECONDS)));
            LatencySummary latency = LatencySummary.of(collector.await(producer.send(count, paced), STALL).values());
            out.printf(Locale.ROOT, "latency  %d events at %.1f/s, produced_at to score readable (read_committed): "
                    + "p50 %d ms, p99 %d ms, max %d ms%n", count, paced, latency.p50(), latency.p99(), latency.max());
            figures.put("pipeline_pairs_per_second", Figures.round(pipeline));
            figures.put("p50_latency_ms", latency.p50());
            figures.put("p99_latency_ms", latency.p99());
            figures.put("latency_events", count);
            figures.put("latency_rate", Figures.round(paced));
            if (loaded != null) {
                figures.put("concurrent_events", concurrentEvents);
                figures.put("concurrent_pairs_per_second", Figures.round(concurrent));
                figures.put("loaded_p50_latency_ms", loaded.p50());
                figures.put("loaded_p99_latency_ms", loaded.p99());
            }
            figures.put("warm_up_events", firstEvents + warmUpBacklog);
            figures.put("scored_events", collector.scored());
            figures.put("dead_letters", collector.deadLetters().size());
            figures.put("duplicate_scores", collector.duplicates());
        }
    }

    /**
     * The service's own throughput: a backlog it cannot read until the whole of it is on the broker
     * ({@link BenchProducer#sendBacklog}), drained. The producer's work (the model teams', on their machines) is
     * not on the service's cores.
     */
    static double drainBacklog(BenchProducer producer, ScoreCollector collector, int count) throws Exception {
        BenchProducer.Backlog backlog = producer.sendBacklog(count);
        return LatencySummary.of(collector.await(backlog.ids(), STALL).values())
                .eventsPerSecondSince(backlog.releasedAtMillis(), count);
    }

    static void awaitRunning(PerceptWatchService service) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + STALL.toNanos();
        while (service.state() != KafkaStreams.State.RUNNING) {
            if (service.state() == KafkaStreams.State.ERROR || service.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("the service stopped during start-up: " + service.state());
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the service is not RUNNING after " + STALL.toSeconds() + " s: "
                        + service.state());
            }
            Thread.sleep(100);
        }
    }
}
