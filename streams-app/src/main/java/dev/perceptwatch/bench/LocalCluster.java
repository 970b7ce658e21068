package dev.perceptwatch.bench;

import dev.perceptwatch.config.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The Kafka broker and schema registry a benchmark runs against, and its temporary directory: either given, or
 * started as processes by {@code ops/kafka.sh} and {@code ops/registry.sh} in that directory. {@link #close()}
 * stops what was started and removes the directory; a shutdown hook does the same if the JVM is interrupted
 * (Ctrl-C) first.
 */
final class LocalCluster implements AutoCloseable {
    private static final long SCRIPT_TIMEOUT_SECONDS = 300;
    /** The first registry build downloads its dependencies (about 130 MB). */
    private static final long BUILD_TIMEOUT_SECONDS = 1800;

    private final String bootstrap;
    private final String registryUrl;
    private final Cleanup cleanup;
    private boolean closed;

    private LocalCluster(String bootstrap, String registryUrl, Cleanup cleanup) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.cleanup = cleanup;
    }

    /** The run's directory and what stops the cluster and removes it, which a shutdown hook runs until closed. */
    private record Cleanup(Path dir, Runnable stop, Thread hook) {
        static Cleanup registered(Path dir, Runnable stop, String hookName) {
            Thread hook = new Thread(stop, hookName);
            Runtime.getRuntime().addShutdownHook(hook);
            return new Cleanup(dir, stop, hook);
        }
    }

    /** Servers that already run (given by address): nothing is started or stopped, only a scratch dir is made. */
    static LocalCluster existing(String bootstrap, String registryUrl) throws IOException {
        Path dir = Files.createTempDirectory("perceptwatch-bench-");
        return new LocalCluster(bootstrap, registryUrl,
                Cleanup.registered(dir, () -> delete(dir), "perceptwatch-bench-cleanup"));
    }

    /**
     * Builds the registry when it is not built yet ({@code ops/registry.sh build}, as {@code ops/run-local.sh}
     * does), then starts a broker and a registry.
     */
    static LocalCluster start(PrintWriter log) throws IOException {
        OpsScript kafka = OpsScript.named("kafka.sh");
        OpsScript registry = OpsScript.named("registry.sh");
        Path dir = Files.createTempDirectory("perceptwatch-bench-");
        Runnable stopServers = () -> {
            try {
                registry.run("stop", dir.resolve("registry"), SCRIPT_TIMEOUT_SECONDS);
            } finally {
                kafka.run("stop", dir.resolve("kafka"), SCRIPT_TIMEOUT_SECONDS);
            }
        };
        Cleanup cleanup = Cleanup.registered(dir, () -> {
            stopServers.run();
            delete(dir); // not reached when the broker did not stop: its data stays for a look
        }, "perceptwatch-bench-cluster-stop");
        log.println("schema registry: ops/registry.sh build (once; the first build downloads it, minutes)");
        log.flush();
        try {
            log.println(registry.run("build", dir.resolve("registry"), BUILD_TIMEOUT_SECONDS));
            log.println("starting a Kafka broker and the schema registry in " + dir);
            log.flush();
            String bootstrap = kafka.run("start", dir.resolve("kafka"), SCRIPT_TIMEOUT_SECONDS);
            String registryUrl = registry.run("start", dir.resolve("registry"), SCRIPT_TIMEOUT_SECONDS);
            return new LocalCluster(bootstrap, registryUrl, cleanup);
        } catch (RuntimeException e) {
            // The servers are stopped, their logs kept (the message points at them).
            Runtime.getRuntime().removeShutdownHook(cleanup.hook());
            try {
                stopServers.run();
            } catch (RuntimeException whileStopping) {
                e.addSuppressed(whileStopping);
            }
            throw e;
        }
    }

    String bootstrap() {
        return bootstrap;
    }

    String registryUrl() {
        return registryUrl;
    }

    /** Creates the run's own topics on this cluster ({@link BenchTopics}), named with {@code ".bench-" + run}. */
    Topics createTopics(String run, int generationsPartitions) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return BenchTopics.create(admin, OpsScript.opsFolder(Path.of("")).resolve("topics.txt"), ".bench-" + run,
                    generationsPartitions);
        }
    }

    /** The run's own temporary directory (e.g. for Kafka Streams state), removed on close. */
    Path dir() {
        return cleanup.dir();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup.hook());
        } catch (IllegalStateException shuttingDown) {
            return; // the hook is running or about to: it does the stopping
        }
        cleanup.stop().run();
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the benchmark cluster's directory " + dir, e);
        }
    }
}
