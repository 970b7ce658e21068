package dev.perceptwatch.observability;

import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.MetricStats;
import dev.perceptwatch.events.Severity;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.observability.ModelSeriesGuard.ModelLabels;
import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.scoring.ReferenceCacheStats;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Every Prometheus metric of the service, on one registry owned by this instance. The other capabilities
 * call the intention-revealing methods below; it reads the output records it is handed (window stats, alerts)
 * and, once bound, the Kafka Streams client's own metrics and the reference cache's counters; it knows no
 * topic. Label values are bounded: metric names and dead-letter reasons are closed sets, and (model_id,
 * model_version) pairs are capped (see {@link ModelSeriesGuard}). See docs/OBSERVABILITY.md for the catalogue.
 */
public final class ServiceMetrics {


    /** The metric label's values: the score fields of QualityScore and MetricStats.metric. */
    static final Set<String> QUALITY_METRICS = Arrays.stream(Metric.values()).map(Metric::label)
            .collect(Collectors.toUnmodifiableSet());
    /** DeadLetter.reason codes; anything else is reported as OTHER so a new code cannot add series. */
    static final Set<String> DEAD_LETTER_REASONS = Stream.concat(
            Arrays.stream(RejectReason.values()).map(Enum::name), Stream.of("OTHER")).collect(Collectors.toSet());

    /** {@code perceptwatch_drift_state} while no alert episode is open. */
    static final int DRIFT_QUIET = 0;
    /** {@code perceptwatch_drift_state} while an episode fired as WARNING is open. */
    static final int DRIFT_FIRING_WARNING = 1;
    /** {@code perceptwatch_drift_state} while an episode fired as CRITICAL is open (pages). */
    static final int DRIFT_FIRING_CRITICAL = 2;

    private static final String[] MODEL_METRIC_LABELS = {"model_id", "model_version", "metric"};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ModelSeriesGuard models;
    private volatile KafkaStreamsMetrics.Source streams;
    private volatile Supplier<ReferenceCacheStats> referenceCache = () -> ReferenceCacheStats.OFF;

    private final Counter eventsConsumed = Counter.builder()
            .name("perceptwatch_events_consumed")
            .help("Generation events read from the input topic, before validation.")
            .register(registry);
    private final Counter eventsScored = Counter.builder()
            .name("perceptwatch_events_scored")
            .help("Events scored and published to the scores topic.")
            .labelNames("model_id", "model_version")
            .register(registry);
    private final Counter deadLetters = Counter.builder()
            .name("perceptwatch_dead_letters")
            .help("Input records sent to the dead-letter topic, by reason code.")
            .labelNames("reason")
            .register(registry);
    private final Counter internalErrors = Counter.builder()
            .name("perceptwatch_internal_errors")
            .help("Failures the stream outlived, by kind: observability (a listener threw), processing (a record "
                    + "made a processor throw: INTERNAL_ERROR dead letter), production (a record the serializer or "
                    + "the broker refused), deserialization (an unreadable record on a topic read back).")
            .labelNames("kind")
            .register(registry);
    private final Counter foldedSeries = Counter.builder()
            .name("perceptwatch_model_series_folded")
            .help("Updates reported under model_id=\"other\" because the model/version series cap was reached.")
            .register(registry);
    private final Histogram scoringDuration = Histogram.builder()
            .name("perceptwatch_scoring_batch_duration_seconds")
            .help("Wall time of one LPIPS batch: tensor packing and the model run (not decoding or classic metrics).")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicExponentialUpperBounds(0.001, 2, 15)
            .register(registry);
    private final Histogram batchSize = Histogram.builder()
            .name("perceptwatch_scoring_batch_size")
            .help("Image pairs per LPIPS batch run.")
            .classicOnly()
            .classicExponentialUpperBounds(1, 2, 10)
            .register(registry);
    private final Histogram endToEnd = Histogram.builder()
            .name("perceptwatch_end_to_end_latency_seconds")
            .help("From the event's produced_at to its score being published (clock skew clamped at 0).")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicExponentialUpperBounds(0.01, 2, 15)
            .register(registry);
    private final Gauge windowMean = windowGauge("perceptwatch_window_mean", "Mean of the metric in the last closed window.");
    private final Gauge windowP50 = windowGauge("perceptwatch_window_p50", "Median of the metric in the last closed window.");
    private final Gauge windowP90 = windowGauge("perceptwatch_window_p90", "90th percentile of the metric in the last closed window.");
    private final Gauge windowP99 = windowGauge("perceptwatch_window_p99", "99th percentile of the metric in the last closed window.");
    private final Gauge windowEvents = Gauge.builder()
            .name("perceptwatch_window_events")
            .help("Scored events in the last closed window of the model/version.")
            .labelNames("model_id", "model_version")
            .register(registry);
    private final Gauge baselineMean = windowGauge("perceptwatch_baseline_mean", "Baseline mean the drift detector compares windows with.");
    private final Gauge baselineStd = windowGauge("perceptwatch_baseline_std", "Baseline standard deviation of the drift detector.");
    private final Gauge driftState = windowGauge("perceptwatch_drift_state", "Drift alert state of the model/version/metric: "
            + "0 quiet, 1 a WARNING alert is firing, 2 a CRITICAL alert is firing.");
    private final Info scorerDevice = Info.builder()
            .name("perceptwatch_scorer_device")
            .help("The device the scorer runs its models on (cpu, cuda:N).")
            .labelNames("device")
            .register(registry);
    private final Info console = Info.builder()
            .name("perceptwatch_console")
            .help("The web console's address as users reach it (console.external-url): alert annotations link to it.")
            .labelNames("url")
            .register(registry);
    private final Gauge modelsLoaded = Gauge.builder()
            .name("perceptwatch_models_loaded")
            .help("Scoring models loaded and ready (ONNX sessions open).")
            .register(registry);

    /** @param maxModelSeries distinct (model_id, model_version) pairs reported before folding into "other" */
    public ServiceMetrics(int maxModelSeries) {
        models = new ModelSeriesGuard(maxModelSeries, foldedSeries::inc);
        DEAD_LETTER_REASONS.forEach(deadLetters::initLabelValues);
        Arrays.stream(InternalError.values()).forEach(kind -> internalErrors.initLabelValues(kind.label()));
        GaugeWithCallback.builder()
                .name("perceptwatch_ready")
                .help("1 when this instance is ready (streams RUNNING and models loaded), else 0.")
                .callback(cb -> cb.call(readiness().isReady() ? 1 : 0))
                .register(registry);
        KafkaStreamsMetrics.register(registry, () -> streams);
        registerReferenceCache();
        JvmMetrics.builder().register(registry);
    }

    /** The reference feature cache's counters and size, read at scrape time; all 0 while it is off. */
    private void registerReferenceCache() {
        referenceCacheCounter("perceptwatch_reference_cache_hits",
                "Image pairs whose reference's LPIPS features were in the reference cache.", ReferenceCacheStats::hits);
        referenceCacheCounter("perceptwatch_reference_cache_misses",
                "Image pairs whose reference's LPIPS features were not in the reference cache yet.",
                ReferenceCacheStats::misses);
        referenceCacheCounter("perceptwatch_reference_cache_evictions",
                "Reference cache entries dropped, least recently used first, to stay within its bound.",
                ReferenceCacheStats::evictions);
        referenceCacheGauge("perceptwatch_reference_cache_bytes",
                "Memory the reference cache's entries hold (feature maps, decoded image, overhead).",
                ReferenceCacheStats::bytes);
        referenceCacheGauge("perceptwatch_reference_cache_max_bytes",
                "The reference cache's bound, scoring.reference-cache-bytes; 0 while the cache is off.",
                ReferenceCacheStats::maxBytes);
    }

    private void referenceCacheCounter(String name, String help, ToLongFunction<ReferenceCacheStats> value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.applyAsLong(referenceCache.get())))
                .register(registry);
    }

    private void referenceCacheGauge(String name, String help, ToLongFunction<ReferenceCacheStats> value) {
        GaugeWithCallback.builder().name(name).help(help).unit(Unit.BYTES)
                .callback(cb -> cb.call(value.applyAsLong(referenceCache.get())))
                .register(registry);
    }

    /** The registry the HTTP endpoint exposes; for the server and tests, not for adding metrics elsewhere. */
    PrometheusRegistry registry() {
        return registry;
    }

    public void eventConsumed() {
        eventsConsumed.inc();
    }

    public void eventScored(String modelId, String modelVersion) {
        ModelLabels key = models.labelsFor(modelId, modelVersion);
        eventsScored.labelValues(key.modelId(), key.modelVersion()).inc();
    }

    /** @param reason a DeadLetter reason code; unknown codes count as OTHER */
    public void deadLetter(String reason) {
        deadLetters.labelValues(DEAD_LETTER_REASONS.contains(reason) ? reason : "OTHER").inc();
    }

    public void internalError(InternalError kind) {
        internalErrors.labelValues(kind.label()).inc();
    }

    public void scoringBatch(int pairs, Duration elapsed) {
        if (pairs < 1) {
            throw new IllegalArgumentException("a scoring batch has at least one pair, got " + pairs);
        }
        batchSize.observe(pairs);
        scoringDuration.observe(elapsed.toNanos() / 1e9);
    }

    public void scorePublished(Instant producedAt, Instant publishedAt) {
        endToEnd.observe(Math.max(0, Duration.between(producedAt, publishedAt).toNanos() / 1e9));
    }

    /**
     * Sets the window gauges from a closed window. Segmented windows (segment set) are not exported: a
     * segment is a free-form event attribute and would make the label set unbounded; they stay on the
     * window-stats topic.
     */
    public void windowClosed(WindowStats window) {
        if (window.getSegment() != null) {
            return;
        }
        ModelLabels key = models.labelsFor(window.getModelId(), window.getModelVersion());
        windowEvents.labelValues(key.modelId(), key.modelVersion()).set(window.getCount());
        for (MetricStats stats : window.getMetrics()) {
            String[] labels = labels(key, stats.getMetric());
            windowMean.labelValues(labels).set(stats.getMean());
            windowP50.labelValues(labels).set(stats.getP50());
            windowP90.labelValues(labels).set(stats.getP90());
            windowP99.labelValues(labels).set(stats.getP99());
        }
    }

    public void baseline(String modelId, String modelVersion, String metric, double mean, double std) {
        String[] labels = labels(models.labelsFor(modelId, modelVersion), metric);
        baselineMean.labelValues(labels).set(mean);
        baselineStd.labelValues(labels).set(std);
    }

    /** Warming up (again, after a re-baseline): no baseline to draw, so none is exported. */
    public void noBaseline(String modelId, String modelVersion, String metric) {
        if (models.admitted(modelId, modelVersion)) {
            String[] labels = labels(new ModelLabels(modelId, modelVersion), metric);
            baselineMean.remove(labels);
            baselineStd.remove(labels);
        }
    }

    /**
     * For state restored at start-up and after each window, when no alert is emitted; {@link #driftAlert}
     * covers the rest.
     *
     * @param firing the severity of the open alert episode, or null when none is open
     */
    public void driftState(String modelId, String modelVersion, String metric, Severity firing) {
        driftState.labelValues(labels(models.labelsFor(modelId, modelVersion), metric)).set(driftStateValue(firing));
    }

    static int driftStateValue(Severity firing) {
        if (firing == null) {
            return DRIFT_QUIET;
        }
        return firing == Severity.CRITICAL ? DRIFT_FIRING_CRITICAL : DRIFT_FIRING_WARNING;
    }

    /** Drift state and baseline from an emitted alert (segmented alerts: see {@link #windowClosed}). */
    public void driftAlert(DriftAlert alert) {
        if (alert.getSegment() != null) {
            return;
        }
        driftState(alert.getModelId(), alert.getModelVersion(), alert.getMetric(),
                alert.getState() == AlertState.FIRING ? alert.getSeverity() : null);
        baseline(alert.getModelId(), alert.getModelVersion(), alert.getMetric(),
                alert.getBaselineMean(), alert.getBaselineStd());
    }

    /**
     * Removes the window, baseline and drift series of a model version whose windows this instance no longer
     * judges (its task moved to another instance, which reports them now): left behind, a last FIRING would
     * keep the alert rule firing after the new owner resolved it. Folded versions share "other" and stay.
     */
    public void forgetModelVersion(String modelId, String modelVersion) {
        if (models.admitted(modelId, modelVersion)) {
            removeJudgedSeries(modelId, modelVersion);
        }
    }

    private void removeJudgedSeries(String modelId, String modelVersion) {
        windowEvents.remove(modelId, modelVersion);
        List<Gauge> perMetric = List.of(windowMean, windowP50, windowP90, windowP99, baselineMean, baselineStd,
                driftState);
        for (String metric : QUALITY_METRICS) {
            perMetric.forEach(gauge -> gauge.remove(modelId, modelVersion, metric));
        }
    }

    /**
     * Removes every series of a model version that stopped producing (its scoring counter too) and frees its
     * place under the series cap, so versions that come and go do not fold into "other" until a restart. If
     * it comes back, its counter starts again at 0, which Prometheus' rate() reads as a reset.
     */
    public void retireModelVersion(String modelId, String modelVersion) {
        // Released first: a score of it at this very moment takes a place again and its series come back.
        if (models.release(modelId, modelVersion)) {
            removeJudgedSeries(modelId, modelVersion);
            eventsScored.remove(modelId, modelVersion);
        }
    }

    public void scorerDevice(String device) {
        scorerDevice.setLabelValues(Objects.requireNonNull(device, "device"));
    }

    public void consoleUrl(String url) {
        console.setLabelValues(Objects.requireNonNull(url, "url"));
    }

    public void modelsLoaded(int count) {
        modelsLoaded.set(count);
    }

    /** Exposes the reference feature cache's hits, misses, evictions and bytes, read at scrape time. */
    public void bindReferenceCache(Supplier<ReferenceCacheStats> stats) {
        referenceCache = Objects.requireNonNull(stats, "stats");
    }

    /** Exposes the client's lag, commit latency and thread states, read at scrape time. */
    public void bindKafkaStreams(KafkaStreams kafkaStreams) {
        bindKafkaStreams(KafkaStreamsMetrics.Source.of(Objects.requireNonNull(kafkaStreams, "kafkaStreams")));
    }

    void bindKafkaStreams(KafkaStreamsMetrics.Source source) {
        streams = source;
    }

    /** Ready when the bound Kafka Streams client is RUNNING and at least one model is loaded. */
    Readiness readiness() {
        KafkaStreamsMetrics.Source bound = streams;
        KafkaStreams.State state = bound == null ? null : bound.state().get();
        String streamsProblem = state == null ? "kafka streams not started"
                : state != KafkaStreams.State.RUNNING ? "kafka streams " + state : null;
        String modelsProblem = modelsLoaded.get() < 1 ? "no scoring model loaded" : null;
        if (streamsProblem == null && modelsProblem == null) {
            return Readiness.ready();
        }
        return new Readiness(Stream.of(streamsProblem, modelsProblem)
                .filter(Objects::nonNull).toList());
    }

    private String[] labels(ModelLabels key, String metric) {
        if (!QUALITY_METRICS.contains(metric)) {
            throw new IllegalArgumentException("unknown quality metric '" + metric + "', expected one of "
                    + QUALITY_METRICS);
        }
        return new String[] {key.modelId(), key.modelVersion(), metric};
    }

    private Gauge windowGauge(String name, String help) {
        return Gauge.builder().name(name).help(help).labelNames(MODEL_METRIC_LABELS).register(registry);
    }
}
