package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * Service processes with one application id on one broker, as an operator scales out: each with its own
 * settings file, state dir, log ({@code logDir/NAME.log}) and metrics port. It keeps a Prometheus file_sd
 * targets file that lists every instance started so far, also those that died since: their scrapes fail, as
 * a real down target's do.
 */
final class ServiceGroup implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    /** One started instance; {@code target} is its metrics address as Prometheus labels it. */
    record Instance(String name, ServiceProcess process, String target) {
    }

    private final Path dir;
    private final Path logDir;
    /** What every instance's settings file holds, each written into the instance's own dir. */
    private final ServiceConfig config;
    private final Path targetsFile;
    private final List<Instance> instances = new ArrayList<>();
    /** Every process started, also one that never reached RUNNING: close() ends them all. */
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();

    /** {@code settings} are each instance's settings beyond ServiceConfig's; they must name the application id. */
    ServiceGroup(Path dir, Path logDir, String bootstrapServers, String registryUrl, PipelineTopics topics,
                 Map<String, String> settings, Path targetsFile) throws IOException {
        if (!settings.containsKey("kafka.application.id")) {
            throw new IllegalArgumentException("the instances of a group share one kafka.application.id");
        }
        this.dir = dir;
        this.logDir = logDir;
        this.config = new ServiceConfig(bootstrapServers, registryUrl, topics, settings);
        this.targetsFile = targetsFile;
        writeTargets();
    }

    String applicationId() {
        return config.extra().get("kafka.application.id");
    }

    /**
     * Starts instances, all at once (their JVMs and models load in parallel, as when an operator scales out),
     * and waits until each streams client is RUNNING.
     */
    List<Instance> start(String... names) throws IOException, InterruptedException {
        Map<String, ServiceProcess> started = new LinkedHashMap<>();
        for (String name : names) {
            Path home = Files.createDirectories(dir.resolve(name));
            // Its own state dir, which also keeps static membership's default group.instance.id (the host name
            // and a digest of the state dir) distinct between the instances of this one host.
            ServiceProcess process = new ServiceProcess(config.write(home), logDir.resolve(name + ".log"), home);
            processes.add(process);
            process.start();
            started.put(name, process);
        }
        List<Instance> ready = new ArrayList<>();
        for (Map.Entry<String, ServiceProcess> entry : started.entrySet()) {
            ServiceProcess process = entry.getValue();
            int port = process.metricsPort(START_TIMEOUT);
            if (port < 0 || !process.awaitRunning(START_TIMEOUT)) {
                process.dumpThreads();
                fail(entry.getKey() + " did not reach RUNNING within " + START_TIMEOUT + " (its threads are at the end"
                        + " of " + process.log() + "):\n" + process.tail(100));
            }
            Instance instance = new Instance(entry.getKey(), process, "127.0.0.1:" + port);
            instances.add(instance);
            ready.add(instance);
        }
        writeTargets();
        return ready;
    }

    List<Instance> live() {
        return instances.stream().filter(instance -> instance.process().isAlive()).toList();
    }

    List<Instance> all() {
        return List.copyOf(instances);
    }

    Instance byTarget(String target) {
        return instances.stream().filter(instance -> instance.target().equals(target)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no instance at " + target + ": " + instances));
    }

    Path targetsFile() {
        return targetsFile;
    }

    /**
     * Waits until the rebalance has settled: the group is stable with one member per stream thread of each live
     * instance, each member has partitions, every generations partition is assigned, and every live instance
     * answers /ready. Returns false when that does not happen within {@code timeout}.
     */
    boolean awaitSettled(Admin admin, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (settled(admin)) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private boolean settled(Admin admin) throws Exception {
        List<Instance> live = live();
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId())).all().get()
                .get(applicationId());
        int threads = Integer.parseInt(config.extra().getOrDefault("kafka.num.stream.threads", "1"));
        if (group.groupState() != GroupState.STABLE || group.members().size() != live.size() * threads
                || group.members().stream().anyMatch(member -> member.assignment().topicPartitions().isEmpty())) {
            return false;
        }
        Set<TopicPartition> assigned = group.members().stream().map(MemberDescription::assignment)
                .flatMap(assignment -> assignment.topicPartitions().stream()).collect(Collectors.toSet());
        Set<TopicPartition> input = new HashSet<>();
        String generations = config.topics().generations();
        admin.describeTopics(List.of(generations)).allTopicNames().get().get(generations)
                .partitions().forEach(p -> input.add(new TopicPartition(generations, p.partition())));
        if (!assigned.containsAll(input)) {
            return false;
        }
        for (Instance instance : live) {
            if (!ready(instance)) {
                return false;
            }
        }
        return true;
    }

    private boolean ready(Instance instance) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + instance.target() + "/ready"))
                    .timeout(PROBE_TIMEOUT).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notAnswering) {
            return false;
        }
    }

    /** What a failed test needs: the group's offsets and members, and the end of each instance's log. */
    String describe(Admin admin) {
        StringBuilder text = new StringBuilder(PipelineDiagnostics.describe(admin, applicationId(), config.topics()));
        for (Instance instance : instances) {
            text.append(String.format("%n%s (%s, %s), %s, last lines:%n%s", instance.name(), instance.target(),
                    instance.process().isAlive() ? "alive" : "gone", instance.process().log(),
                    instance.process().tail(60)));
        }
        return text.toString();
    }

    void dumpThreads() throws IOException, InterruptedException {
        for (Instance instance : live()) {
            instance.process().dumpThreads();
        }
    }

    private void writeTargets() throws IOException {
        String json = instances.stream().map(instance -> "\"" + instance.target() + "\"")
                .collect(Collectors.joining(", ", "[{\"targets\": [", "], \"labels\": {}}]\n"));
        // Written aside and moved, so that Prometheus never reads half a file.
        Path next = targetsFile.resolveSibling(targetsFile.getFileName() + ".next");
        Files.writeString(next, json);
        Files.move(next, targetsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() throws InterruptedException {
        for (ServiceProcess process : processes) {
            process.close();
        }
    }
}
