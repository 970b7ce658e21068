package dev.perceptwatch.console;

import dev.perceptwatch.client.AvroSerde;
import dev.perceptwatch.client.PerceptWatchPublisher;
import dev.perceptwatch.client.SchemaRegistryClient;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.events.WindowStats;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.SizePolicy;
import dev.perceptwatch.ingest.ImageFetcher;
import dev.perceptwatch.ingest.UriPolicy;
import dev.perceptwatch.scoring.SpatialMaps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only web console: an overview of every model version, each alert with its worst examples as
 * generated | reference | LPIPS spatial map, and any event by id or position (docs/OBSERVABILITY.md). It
 * reads the service's output topics itself and the images on demand, on its own threads.
 */
public final class Console implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The share of the machine's cores the console (its requests and pictures) may take on average: pages loaded in a loop
     * cost the stream at most about this much (docs/BENCHMARKS.md, "Console"); one page is made at full speed.
     */
    static final double CPU_SHARE = 0.02;
    static final Duration CPU_BURST = Duration.ofMillis(500);

    /**
     * Where the console reads from.
     *
     * @param consumerConfig the Kafka client settings (bootstrap servers, security); the console sets the rest
     * @param spatialMaps    the loaded model's heatmap queue; its owner closes it
     * @param references     a reference image by id, or null when unknown or unreadable now
     */
    public record Sources(Map<String, Object> consumerConfig, String registryUrl, Topics topics, UriPolicy uris,
                          ImageLimits limits, SizePolicy sizePolicy, SpatialMaps spatialMaps,
                          Function<String, ReferenceImage> references) {
        public Sources {
            consumerConfig = Map.copyOf(consumerConfig);
        }

        <T extends SpecificRecord> Deserializer<T> reader(Class<T> type, SchemaRegistryClient registry) {
            AvroSerde<T> serde = new AvroSerde<>(type, registry);
            serde.configure(Map.of(AvroSerde.SCHEMA_REGISTRY_URL, registryUrl), false);
            return serde.deserializer();
        }

        ConsoleIndex index() {
            SchemaRegistryClient registry = new SchemaRegistryClient(registryUrl);
            return new ConsoleIndex(consumerConfig, topics.windowStats(), topics.alerts(),
                    reader(WindowStats.class, registry), reader(DriftAlert.class, registry));
        }

        ExampleLoader loader(int readers, long cacheBytes, CpuBudget budget) {
            GenerationReader reader = new GenerationReader(consumerConfig, topics.generations(),
                    reader(GenerationEvent.class, new SchemaRegistryClient(registryUrl)),
                    PerceptWatchPublisher.MAX_RECORD_BYTES, READ_TIMEOUT, readers);
            return new ExampleLoader(reader, new ImageFetcher(uris), references, spatialMaps, limits, sizePolicy,
                    READ_TIMEOUT, new ImageCache(cacheBytes), budget);
        }
    }

    /** The one CPU budget of a console (or of an export): its requests and its pictures draw on it. */
    static CpuBudget cpuBudget() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return new CpuBudget(CPU_SHARE * Runtime.getRuntime().availableProcessors(), CPU_BURST.toNanos(),
                System::nanoTime, threads::getCurrentThreadCpuTime);
    }

    private final ConsoleIndex index;
    private final ConsoleServer server;
    private final String url;

    private Console(ConsoleIndex index, ConsoleServer server, String url) {
        this.index = index;
        this.server = server;
        this.url = url;
    }

    /** Starts reading the topics and serving; fails when the address cannot be bound or a topic is missing. */
    public static Console start(Settings.Console settings, Sources sources) {
        ConsoleIndex index = sources.index();
        try {
            index.start(READ_TIMEOUT);
            String basePath = settings.externalUrl() == null ? "" : URI.create(settings.externalUrl()).getPath();
            CpuBudget budget = cpuBudget();
            ConsoleServer server = new ConsoleServer(settings.host(), settings.port(), settings.token(),
                    settings.maxConcurrentRequests(), basePath.replaceAll("/+$", ""), index,
                    sources.loader(settings.maxConcurrentRequests(), settings.cacheBytes(), budget), budget);
            String url = settings.externalUrl() != null ? settings.externalUrl()
                    : "http://" + hostForUrl(settings.host()) + ":" + server.port();
            if (settings.token() == null && !InetAddress.getByName(settings.host()).isLoopbackAddress()) {
                LOG.warn("the console listens on {} without console.token: whoever reaches it sees every image"
                        + " it can read; set console.token or console.host=127.0.0.1", settings.host());
            }
            LOG.info("console on {} (listening on {}:{})", url, settings.host(), server.port());
            return new Console(index, server, url);
        } catch (IOException e) {
            index.close();
            throw new UncheckedIOException("cannot serve the console on " + settings.host() + ":" + settings.port()
                    + " (console.host, console.port; console.enabled=false turns it off)", e);
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    private static String hostForUrl(String host) {
        return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
    }

    /** The address users reach: console.external-url, else where it listens. */
    public String url() {
        return url;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        index.close();
    }
}
