package dev.perceptwatch.bench;

import dev.perceptwatch.commandline.Reachability;
import dev.perceptwatch.commandline.ScoringOptions;
import dev.perceptwatch.config.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a benchmark's service runs: a broker and a registry given by address, or, with neither, both started
 * for the run ({@link LocalCluster}); and the service settings of the run.
 */
final class ClusterOptions {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "A running broker (with --registry).")
    private String bootstrap;
    @Option(names = "--registry", paramLabel = "URL", description = "A running registry's Confluent API base.")
    private String registry;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A service setting for this run, as in a "
            + "settings file (kafka.num.standby.replicas=1, kafka.session.timeout.ms=10000, console.cache-bytes=0); "
            + "repeatable.")
    private Map<String, String> set = new LinkedHashMap<>();

    /** Whether --bootstrap and --registry are given together or not at all, as they must be. */
    boolean complete() {
        return (bootstrap == null) == (registry == null);
    }

    /**
     * The given servers, once they answer, or a broker and a registry started now; closing the cluster stops
     * what was started.
     */
    LocalCluster open(PrintWriter log) throws IOException {
        if (bootstrap == null) {
            return LocalCluster.start(log);
        }
        Reachability.requireRegistry(registry, "(check --registry)");
        Reachability.requireBroker(bootstrap, Map.of(), "(check --bootstrap)");
        return LocalCluster.existing(bootstrap, registry);
    }

    /**
     * The environment of a service of run {@code run} on the cluster and topics: this JVM's PERCEPTWATCH_*
     * variables, as for {@code run}, under the scoring options, the --set settings and the run's own.
     */
    Map<String, String> serviceEnvironment(LocalCluster cluster, Topics topics, String run, ScoringOptions scoring) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(scoring.asEnvironment());
        Map<String, String> settings = new LinkedHashMap<>(set);
        settings.put("kafka.bootstrap.servers", cluster.bootstrap());
        settings.put("registry.url", cluster.registryUrl());
        settings.put("kafka.application.id", "perceptwatch-bench-" + run);
        settings.put("kafka.state.dir", cluster.dir().resolve("streams-state").toString());
        settings.put("metrics.port", "0");
        settings.putAll(topics.settings());
        settings.forEach((key, value) -> env.put(ScoringOptions.environmentName(key), value));
        return env;
    }
}
