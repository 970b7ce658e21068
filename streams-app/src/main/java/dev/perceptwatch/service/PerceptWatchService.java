package dev.perceptwatch.service;

import dev.perceptwatch.client.PerceptWatchPublisher;
import dev.perceptwatch.client.SchemaRegistryClient;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.SettingsException;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.config.Topics;
import dev.perceptwatch.console.Console;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.ingest.ImageFetcher;
import dev.perceptwatch.ingest.ImageSourceResolver;
import dev.perceptwatch.observability.MetricsServer;
import dev.perceptwatch.observability.ServiceMetrics;
import dev.perceptwatch.scoring.EncodedPairScorer;
import dev.perceptwatch.scoring.ScoringEngine;
import dev.perceptwatch.scoring.SpatialMaps;
import java.util.function.Function;
import dev.perceptwatch.topology.AvroSerdes;
import dev.perceptwatch.topology.EventScorer;
import dev.perceptwatch.topology.EventScoringPipeline;
import dev.perceptwatch.topology.InternalErrors;
import dev.perceptwatch.topology.PerceptWatchTopology;
import dev.perceptwatch.topology.ScoringStage;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: model, metrics endpoint and Kafka Streams client, started in that order (a model
 * that is missing stops start-up before anything is consumed). Closing stops Kafka Streams first, so no
 * event is being scored when the scorer and model close, and the metrics endpoint last, so probes and
 * scrapes see the shutdown until the end.
 */
public final class PerceptWatchService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PerceptWatchService.class);

    private final ScoringEngine engine;
    private final EncodedPairScorer scorer;
    private final SpatialMaps spatialMaps;
    private final MetricsServer metricsServer;
    private final KafkaStreams streams;
    private Console console;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private PerceptWatchService(ScoringEngine engine, EncodedPairScorer scorer, SpatialMaps spatialMaps,
                                MetricsServer metricsServer, KafkaStreams streams) {
        this.engine = engine;
        this.scorer = scorer;
        this.spatialMaps = spatialMaps;
        this.metricsServer = metricsServer;
        this.streams = streams;
    }

    public static PerceptWatchService start(Settings settings) {
        ServiceMetrics metrics = new ServiceMetrics(settings.observability().maxModelSeries());
        // What is open so far, closed again (last first) when a later step fails: the service may run inside a
        // longer-lived JVM (benchmarks, tests), where a failed start must not leave threads and sessions behind.
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            ScoringEngine engine = ScoringEngine.open(settings.scoring(),
                    (pairs, nanos) -> metrics.scoringBatch(pairs, Duration.ofNanos(nanos)));
            opened.push(engine);
            metrics.scorerDevice(engine.model().device().toString());
            metrics.modelsLoaded(1);
            metrics.bindReferenceCache(engine::referenceCacheStats);
            EncodedPairScorer scorer = new EncodedPairScorer(engine, settings.imaging().limits(),
                    settings.imaging().sizePolicy(), settings.processing().prepThreads());
            opened.push(scorer);
            SpatialMaps spatialMaps = new SpatialMaps(engine.model(), settings.console().heatmapQueue());
            opened.push(spatialMaps);
            MetricsServer server = metricsServer(metrics, settings.observability());
            opened.push(server);
            Clock clock = Clock.systemUTC();
            AvroSerdes serdes = registrySerdes(settings.kafka());
            InternalErrors errors = new InternalErrors(metrics::internalError,
                    serdes.valueSerde(DeadLetter.class).serializer(), settings.kafka().topics(), clock);
            EventScorer pipeline = new EventScoringPipeline(new ImageSourceResolver(new ImageFetcher(settings.uris()),
                    settings.windows().maxFutureSkew(), clock), images -> scorer.score(images, false),
                    settings.scoring().model(),
                    engine.modelSha256(), clock);
            Properties properties = streamsProperties(settings.kafka(), settings.processing().maxInFlightPerTask());
            errors.addTo(properties);
            KafkaStreams streams = new KafkaStreams(
                    PerceptWatchTopology.build(settings, serdes, pipeline, new MetricsScoringListener(metrics),
                            new MetricsDriftListener(metrics), errors, clock),
                    properties);
            opened.push(streams);
            // A thread whose transaction a refused record doomed is replaced: its tasks read their input again
            // and the scoring stage dead-letters that event (ProductionErrorHandler). Any other failure stops
            // the service, to be restarted (docs/STREAMING.md, "What still stops the service").
            streams.setUncaughtExceptionHandler(failure -> errors.isRememberedRefusal(failure)
                    ? StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD
                    : StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            metrics.bindKafkaStreams(streams);
            PerceptWatchService service = new PerceptWatchService(engine, scorer, spatialMaps, server, streams);
            streams.setStateListener((now, before) -> {
                LOG.info("kafka streams {} -> {}", before, now);
                if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                    service.stopped.countDown();
                }
            });
            streams.start();
            if (settings.console().enabled()) {
                service.console = Console.start(settings.console(), consoleSources(settings, streams, spatialMaps));
                opened.push(service.console);
                metrics.consoleUrl(service.console.url());
            }
            LOG.info("PerceptWatch started: metrics on http://{}:{}/metrics, console {}, scoring with {} on {}",
                    settings.observability().host(), server.port(), service.consoleUrl(), settings.scoring().model(),
                    engine.model().device());
            return service;
        } catch (RuntimeException e) {
            while (!opened.isEmpty()) {
                try {
                    opened.pop().close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /**
     * The console reads with the service's Kafka client settings, and references from the service's global
     * store (queryable from any thread; unavailable while the store is being restored).
     */
    private static Console.Sources consoleSources(Settings settings, KafkaStreams streams, SpatialMaps spatialMaps) {
        Properties properties = streamsProperties(settings.kafka(), settings.processing().maxInFlightPerTask());
        Map<String, Object> consumer = new StreamsConfig(properties)
                .getGlobalConsumerConfigs(settings.kafka().applicationId() + "-console");
        Deserializer<ReferenceImage> referenceReader = registrySerdes(settings.kafka())
                .valueSerde(ReferenceImage.class).deserializer();
        Topics topics = settings.kafka().topics();
        Function<String, ReferenceImage> references = id -> {
            try {
                byte[] bytes = streams.store(StoreQueryParameters.fromNameAndType(ScoringStage.REFERENCES_STORE,
                        QueryableStoreTypes.<String, byte[]>keyValueStore())).get(id);
                return bytes == null ? null : referenceReader.deserialize(topics.references(), bytes);
            } catch (InvalidStateStoreException | SerializationException e) {
                return null;
            }
        };
        return new Console.Sources(consumer, settings.kafka().registryUrl(), topics, settings.uris(),
                settings.imaging().limits(), settings.imaging().sizePolicy(), spatialMaps, references);
    }

    /** The console's address (console.external-url, else where it listens), or null when it is off. */
    public String consoleUrl() {
        return console == null ? null : console.url();
    }

    private static MetricsServer metricsServer(ServiceMetrics metrics, Settings.Observability observability) {
        try {
            return MetricsServer.start(metrics, observability.host(), observability.port());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + observability.host() + ":"
                    + observability.port(), e);
        }
    }

    /** The registry serdes the service uses, also for clients of its topics (benchmarks, tools). */
    public static AvroSerdes registrySerdes(Settings.Kafka kafka) {
        return AvroSerdes.over(new SchemaRegistryClient(kafka.registryUrl()), kafka.autoRegisterSchemas());
    }

    /**
     * Kafka Streams settings: every {@code kafka.*} property as given, on top of the service's defaults, with
     * exactly-once processing always on (it is what the service promises).
     */
    public static Properties streamsProperties(Settings.Kafka kafka, int maxInFlightPerTask) {
        Properties properties = new Properties();
        // Kafka Streams buffers up to 1000 fetched records per partition by default: with inline images (about
        // 0.4 MB an event) a backlog fills gigabytes of heap (a 1 GiB service died of OutOfMemoryError on a
        // 20000-event backlog without this). Twice what a task may have in flight keeps every task fed.
        properties.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, 2 * maxInFlightPerTask);
        // Images travel in records: the client defaults of 1 MB are too small.
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                PerceptWatchPublisher.MAX_RECORD_BYTES);
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                PerceptWatchPublisher.MAX_RECORD_BYTES);
        properties.put(StreamsConfig.POLL_MS_CONFIG, 20);
        // process() waits while its task has processing.max-in-flight-per-task events being scored, inside the
        // open transaction; Kafka Streams' exactly-once default of 10 s can be too short for a slow scorer
        // shared by many tasks, and a timed-out transaction fences the task.
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 60_000);
        properties.putAll(kafka.clientProperties());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, kafka.applicationId());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        StaticMembership.addDefaults(properties, PerceptWatchService::hostName);
        return properties;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new SettingsException("cannot tell this host's name for the default kafka.group.instance.id ("
                    + e.getMessage() + "): set kafka.group.instance.id to a name unique to this instance");
        }
    }

    /** Blocks until the streams client stops (closed, or failed). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        if (console != null) {
            console.close();
        }
        spatialMaps.close();
        // A static member stays in its group when it stops, and its partitions would wait a session timeout for
        // it: one that stops on purpose leaves (a crashed one rejoins at once under its id: StaticMembership).
        if (streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)))) {
            scorer.close();
            engine.close();
        } else {
            // A stream thread still runs: closing the scorer would fail its in-flight events, which it would then
            // dead-letter as SCORING_FAILED, and closing the model under a running batch can crash the JVM. The
            // process exit ends both; the uncommitted events are scored again after the restart.
            LOG.error("Kafka Streams did not stop within 30 s (state {}); the scorer and the model stay open",
                    streams.state());
        }
        metricsServer.close();
        stopped.countDown();
    }
}
