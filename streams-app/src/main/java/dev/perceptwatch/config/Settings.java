package dev.perceptwatch.config;

import dev.perceptwatch.contract.EventContract;
import dev.perceptwatch.drift.DriftSettings;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.SizePolicy;
import dev.perceptwatch.ingest.UriPolicy;
import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.scoring.ScoringDevice;
import dev.perceptwatch.scoring.ScoringEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every setting of the service, typed and validated once at start-up. Read from a properties file and
 * {@code PERCEPTWATCH_*} environment variables (see {@link SettingsSource}); the file is the one given with
 * {@code run --config FILE}. Defaults are the fallbacks given to {@link SettingsSource} here and in
 * {@link DriftSettingsReader}; the README's settings table lists them.
 */
public record Settings(Kafka kafka, Processing processing, Imaging imaging, ScoringEngine.Options scoring,
                       UriPolicy uris, Windows windows, Drift drift, Observability observability, Console console) {

    /**
     * @param clientProperties every {@code kafka.*} property, prefix removed, passed to all Kafka clients
     *     unchanged (bootstrap.servers, security.protocol, sasl.*, ssl.*, ...)
     */
    public record Kafka(String applicationId, Map<String, String> clientProperties, String registryUrl,
                        boolean autoRegisterSchemas, Topics topics) {
        public Kafka {
            clientProperties = Map.copyOf(clientProperties);
        }
    }

    /**
     * @param maxInFlightPerTask events a stream task may have submitted but not yet published
     * @param drainInterval      how often finished scores are published when no new event arrives
     * @param prepThreads        threads that decode images and compute the classic metrics
     */
    public record Processing(int maxInFlightPerTask, Duration drainInterval, int prepThreads) {
    }

    public record Imaging(ImageLimits limits, SizePolicy sizePolicy) {
    }

    /**
     * @param segmentAttribute the event attribute that splits windows further, or null for none
     * @param maxFutureSkew    how far ahead of this instance's clock an event's produced_at may be; later ones
     *                         are refused as BAD_EVENT, since one would move stream time ahead and make every
     *                         later score on its partition late for the windows
     */
    public record Windows(Duration size, Duration grace, String segmentAttribute, Duration maxFutureSkew) {
    }

    /**
     * @param pins        model id -> (version -> the version whose baseline it is judged against)
     * @param rebaselines model id -> (version -> the event time from which it warms up a new baseline)
     * @param idleAfter   stream time without a window after which a key's open alerts resolve
     */
    public record Drift(DriftSettings detection, Map<String, Map<String, String>> pins,
                        Map<String, Map<String, Instant>> rebaselines, Duration idleAfter) {
        public Drift {
            pins = byModel(pins);
            rebaselines = byModel(rebaselines);
        }

        /** The version whose baseline this one is judged against, or null. */
        public String pinFor(String modelId, String modelVersion) {
            return pins.getOrDefault(modelId, Map.of()).get(modelVersion);
        }

        /** When this version's new baseline starts, or null. */
        public Instant rebaselineFor(String modelId, String modelVersion) {
            return rebaselines.getOrDefault(modelId, Map.of()).get(modelVersion);
        }

        private static <V> Map<String, Map<String, V>> byModel(Map<String, Map<String, V>> perModel) {
            return perModel.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                    entry -> Map.copyOf(entry.getValue())));
        }
    }

    public record Observability(String host, int port, int maxModelSeries) {
    }

    /**
     * The read-only web console (docs/OBSERVABILITY.md).
     *
     * @param token                 the bearer token every request must carry, or null for none
     * @param externalUrl           the console's address as users reach it (links in alerts, rules and the
     *                              dashboard), or null for http://host:port
     * @param maxConcurrentRequests requests doing work (Kafka reads, decoding, heatmaps) at once; more are
     *                              answered 503
     * @param heatmapQueue          spatial maps waiting for the model; more are refused, so that the console
     *                              never queues work in front of the stream's batches
     * @param cacheBytes            encoded images and heatmaps kept for pages loaded again
     */
    public record Console(boolean enabled, String host, int port, String token, String externalUrl,
                          int maxConcurrentRequests, int heatmapQueue, long cacheBytes) {
        @Override
        public String toString() {
            // The token never reaches a log line through this record.
            return "Console[enabled=" + enabled + ", host=" + host + ", port=" + port + ", token="
                    + (token == null ? "none" : "set") + ", externalUrl=" + externalUrl + "]";
        }
    }

    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /** The reference feature cache's bound unless set, on a heap of at least 1 GiB. */
    static final long DEFAULT_REFERENCE_CACHE_BYTES = 256L << 20;

    static final List<String> KEYS = Stream.of(
            Stream.of("kafka.application.id", "registry.url", "registry.auto-register"),
            Topics.KEYS.stream(),
            Stream.of("processing.max-in-flight-per-task", "processing.drain-interval", "processing.prep-threads",
                    "imaging.max-bytes", "imaging.max-pixels", "imaging.size-policy",
                    "scoring.model", "scoring.model-sha256", "scoring.model-path", "scoring.device",
                    "scoring.device-fallback", "scoring.intra-op-threads", "scoring.batch-workers", "scoring.batch-size",
                    "scoring.max-wait", "scoring.queue-capacity", "scoring.metrics", "scoring.reference-cache-bytes",
                    "uri.file-roots", "uri.http-hosts", "uri.max-bytes", "uri.timeout",
                    "windows.size", "windows.grace", "windows.segment-attribute", "windows.max-future-skew",
                    "metrics.host", "metrics.port", "metrics.max-model-series",
                    "console.enabled", "console.host", "console.port", "console.token", "console.external-url",
                    "console.max-concurrent-requests", "console.heatmap-queue", "console.cache-bytes"),
            DriftSettingsReader.keys().stream()).flatMap(keys -> keys).toList();

    /** Loads {@code file} (null for none) with overrides from {@code env}; unknown keys are refused. */
    public static Settings load(Path file, Map<String, String> env) {
        SettingsSource source = SettingsSource.load(file, env, Set.copyOf(KEYS));
        Settings settings = from(source);
        Set<String> unknown = source.unreadKeys();
        if (!unknown.isEmpty()) {
            throw new SettingsException("unknown settings " + unknown + " (a typo? known keys: "
                    + String.join(", ", KEYS) + ", and kafka.* for Kafka client properties)");
        }
        return settings;
    }

    /**
     * Only the {@code drift.*} settings of {@code file} (null for none) and {@code env}, for the offline
     * drift evaluation: other keys of a service configuration are ignored, so the same file can be used.
     */
    public static Drift loadDrift(Path file, Map<String, String> env) {
        return DriftSettingsReader.read(SettingsSource.load(file, env, Set.copyOf(DriftSettingsReader.keys())));
    }

    static Settings from(SettingsSource s) {
        Imaging imaging = imaging(s);
        Observability observability = observability(s);
        return new Settings(kafka(s), processing(s), imaging, scoring(s), uris(s, imaging), windows(s),
                DriftSettingsReader.read(s), observability, console(s, observability));
    }

    static Kafka kafka(SettingsSource s) {
        Map<String, String> client = s.withPrefix("kafka.");
        if (!client.containsKey("bootstrap.servers")) {
            throw new SettingsException("kafka.bootstrap.servers is required");
        }
        String guarantee = client.getOrDefault("processing.guarantee", "exactly_once_v2");
        if (!guarantee.equals("exactly_once_v2")) {
            throw new SettingsException("kafka.processing.guarantee must be exactly_once_v2 (no event lost, none"
                    + " counted twice); got '" + guarantee + "'");
        }
        return new Kafka(client.getOrDefault("application.id", "perceptwatch"), client,
                s.string("registry.url", "http://127.0.0.1:8081"),
                s.booleanValue("registry.auto-register", true),
                Topics.read(s));
    }

    /** Also used by the offline commands, which take the same keys as options. */
    public static Processing processing(SettingsSource s) {
        return new Processing(s.intValue("processing.max-in-flight-per-task", 8, 1, 100_000),
                positive(s, "processing.drain-interval", Duration.ofMillis(10)),
                s.intValue("processing.prep-threads", CORES, 1, 1024));
    }

    public static Imaging imaging(SettingsSource s) {
        return new Imaging(
                new ImageLimits(s.longValue("imaging.max-bytes", ImageLimits.DEFAULT_MAX_BYTES, 1),
                        s.longValue("imaging.max-pixels", ImageLimits.DEFAULT_MAX_PIXELS, 1)),
                s.enumValue("imaging.size-policy", SizePolicy.REJECT, SizePolicy::parse));
    }

    public static ScoringEngine.Options scoring(SettingsSource s) {
        int batchSize = s.intValue("scoring.batch-size", 8, 1, 1024);
        String fallback = s.string("scoring.device-fallback", "none");
        if (!fallback.equals("none") && !fallback.equals("cpu")) {
            throw new SettingsException("scoring.device-fallback must be none or cpu, got '" + fallback + "'");
        }
        ScoringDevice device = parse(s, "scoring.device", "cpu", ScoringDevice::parse);
        // On a CPU, one single-threaded model run per core beats one run spread over the cores: the runs
        // need no barrier between threads, so a core lent to image preparation delays one run instead of
        // stalling all (docs/BENCHMARKS.md). A GPU runs one batch at a time anyway.
        boolean cpu = device.kind() == ScoringDevice.Kind.CPU;
        return new ScoringEngine.Options(
                s.string("scoring.model", "lpips-alex"),
                s.string("scoring.model-sha256", null),
                s.list("scoring.model-path", List.of()).stream().map(Path::of).toList(),
                device,
                fallback.equals("cpu"),
                s.intValue("scoring.intra-op-threads", cpu ? 1 : CORES, 1, 1024),
                s.intValue("scoring.batch-workers", cpu ? CORES : 1, 1, 1024),
                batchSize,
                s.duration("scoring.max-wait", Duration.ofMillis(20)),
                s.intValue("scoring.queue-capacity", Math.max(64, 4 * batchSize), batchSize, 1_000_000),
                parse(s, "scoring.metrics", "lpips,feature_distance,mse,psnr,ssim,ms_ssim",
                        text -> Metric.parseAll(List.of(text.split(",")))),
                referenceCacheBytes(s, Runtime.getRuntime().maxMemory()));
    }

    /**
     * The reference cache lives on the heap, never over half of it. By default 256 MiB (about 95 references of
     * 256x256), a quarter of the service's 1 GiB heap (ops/run-local.sh), or a quarter of a smaller heap: with
     * admission on the second use, references that are never reused put nothing in it (docs/SCORING.md).
     */
    static long referenceCacheBytes(SettingsSource s, long maxHeap) {
        long bytes = s.longValue("scoring.reference-cache-bytes", Math.min(DEFAULT_REFERENCE_CACHE_BYTES, maxHeap / 4),
                0);
        if (bytes > maxHeap / 2) {
            throw new SettingsException("scoring.reference-cache-bytes is " + bytes + " bytes, more than half of"
                    + " this JVM's maximum heap (" + maxHeap + " bytes), where the cache lives: lower it, or raise"
                    + " the heap with -Xmx");
        }
        return bytes;
    }

    static UriPolicy uris(SettingsSource s, Imaging imaging) {
        return new UriPolicy(
                s.list("uri.file-roots", List.of()).stream().map(Path::of).toList(),
                Set.copyOf(s.list("uri.http-hosts", List.of())),
                s.longValue("uri.max-bytes", imaging.limits().maxBytes(), 1),
                positive(s, "uri.timeout", Duration.ofSeconds(5)));
    }

    static Windows windows(SettingsSource s) {
        return new Windows(positive(s, "windows.size", Duration.ofMinutes(1)),
                s.duration("windows.grace", Duration.ofSeconds(30)),
                s.string("windows.segment-attribute", null),
                s.duration("windows.max-future-skew", EventContract.DEFAULT_MAX_FUTURE_SKEW));
    }

    static Observability observability(SettingsSource s) {
        return new Observability(s.string("metrics.host", "127.0.0.1"),
                s.intValue("metrics.port", 9400, 0, 65535),
                s.intValue("metrics.max-model-series", 200, 1, 100_000));
    }

    /** The console listens next to the metrics: metrics.port + 1, or a free port when metrics.port is 0. */
    static Console console(SettingsSource s, Observability observability) {
        int defaultPort = observability.port() == 0 ? 0 : observability.port() + 1;
        String externalUrl = s.string("console.external-url", null);
        if (externalUrl != null && !externalUrl.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
            throw new SettingsException("console.external-url must be an http(s) address such as"
                    + " https://perceptwatch.example.com/console, got '" + externalUrl + "'");
        }
        return new Console(s.booleanValue("console.enabled", true),
                s.string("console.host", "127.0.0.1"),
                s.intValue("console.port", Math.min(defaultPort, 65535), 0, 65535),
                s.string("console.token", null),
                externalUrl == null ? null : externalUrl.replaceAll("/+$", ""),
                s.intValue("console.max-concurrent-requests", 4, 1, 1024),
                s.intValue("console.heatmap-queue", 8, 1, 1024),
                s.longValue("console.cache-bytes", 64L << 20, 0));
    }

    static Duration positive(SettingsSource s, String key, Duration fallback) {
        Duration value = s.duration(key, fallback);
        if (value.isZero()) {
            throw new SettingsException(key + " must be greater than zero");
        }
        return value;
    }

    private static <T> T parse(SettingsSource s, String key, String fallback,
                               Function<String, T> parser) {
        String raw = s.string(key, fallback);
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(key + ": " + e.getMessage());
        }
    }
}
