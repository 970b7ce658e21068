package dev.perceptwatch.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Service instances as processes of their own ({@code perceptwatch run} from this JVM's class path), for the
 * benchmarks of several instances on one broker. Each gets the given PERCEPTWATCH_* environment plus its own
 * state dir and metrics port, the JVM options the README recommends, and optionally one CPU of its own
 * ({@code taskset}); its output goes to {@code DIR/instance-N/service.log}.
 */
final class ServiceInstances implements AutoCloseable {
    private static final List<String> JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");
    private static final Pattern SCORED = Pattern.compile("(?m)^perceptwatch_events_scored_total\\{.*} (\\S+)$");
    private static final Pattern LAG = Pattern.compile("(?m)^perceptwatch_kafka_consumer_lag_records\\{(.*)}");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final int LOG_LINES_IN_ERROR = 30;

    /** One started instance; {@code cpu} is the CPU it is pinned to, or -1. */
    record Instance(int number, Process process, int metricsPort, int cpu, Path log) {
    }

    private final Path dir;
    private final String mainClass;
    private final Map<String, String> environment;
    private final boolean pin;
    private final Path javaArguments;
    private final List<Instance> instances = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();

    /** @param mainClass the command line's entry point, whose {@code run} starts the service */
    ServiceInstances(Path dir, String mainClass, Map<String, String> environment, boolean pin) throws IOException {
        this.dir = dir;
        this.mainClass = mainClass;
        this.environment = Map.copyOf(environment);
        this.pin = pin;
        // The class path goes in an argument file: ONNX Runtime crashes creating its environment when the
        // process's command line is long (a test run's class path is; see the tests' ServiceProcess).
        javaArguments = Files.writeString(dir.resolve("java-arguments"),
                "-cp\n\"" + System.getProperty("java.class.path") + "\"\n");
    }

    /** Starts the next instance, on the next CPU when pinned. */
    Instance start() throws IOException {
        int number = instances.size() + 1;
        Path home = Files.createDirectories(dir.resolve("instance-" + number));
        int cpu = pin ? (number - 1) % Runtime.getRuntime().availableProcessors() : -1;
        List<String> command = new ArrayList<>();
        if (pin) {
            command.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-Djava.io.tmpdir=" + Files.createDirectories(home.resolve("tmp")), "@" + javaArguments,
                mainClass, "run"));
        int port = freePort();
        Path log = home.resolve("service.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("PERCEPTWATCH_"));
        env.putAll(environment);
        env.put("PERCEPTWATCH_METRICS_PORT", Integer.toString(port));
        env.put("PERCEPTWATCH_KAFKA_STATE_DIR", home.resolve("state").toString());
        Instance instance = new Instance(number, builder.start(), port, cpu, log);
        instances.add(instance);
        return instance;
    }

    /** Waits until the instance answers /ready (streams RUNNING, model loaded). */
    void awaitReady(Instance instance, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready(instance)) {
            if (!instance.process().isAlive()) {
                throw new IllegalStateException("instance " + instance.number() + " exited with "
                        + instance.process().exitValue() + "; the end of its log (" + instance.log() + "):\n"
                        + lastLines(instance.log()));
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("instance " + instance.number() + " not ready after " + timeout
                        + "; its log: " + instance.log());
            }
            Thread.sleep(200);
        }
    }

    /** The log's last lines: the bench's directory may be gone by the time someone reads the error. */
    private static String lastLines(Path log) throws IOException {
        List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_ERROR), lines.size()));
    }

    private boolean ready(Instance instance) throws InterruptedException {
        try {
            return get(instance, "/ready").statusCode() == 200;
        } catch (IOException notListeningYet) {
            return false;
        }
    }

    /** Events the instance has scored since it started, from its /metrics. */
    long scored(Instance instance) throws IOException, InterruptedException {
        Matcher counts = SCORED.matcher(get(instance, "/metrics").body());
        double sum = 0;
        while (counts.find()) {
            sum += Double.parseDouble(counts.group(1));
        }
        return Math.round(sum);
    }

    /** The partitions of {@code topic} the instance consumes now, from its lag gauges. */
    Set<Integer> partitions(Instance instance, String topic) throws IOException, InterruptedException {
        Set<Integer> partitions = new TreeSet<>();
        Matcher series = LAG.matcher(get(instance, "/metrics").body());
        while (series.find()) {
            Map<String, String> labels = new HashMap<>();
            Matcher label = LABEL.matcher(series.group(1));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            if (topic.equals(labels.get("topic"))) {
                partitions.add(Integer.parseInt(labels.get("partition")));
            }
        }
        return partitions;
    }

    private HttpResponse<String> get(Instance instance, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.metricsPort() + path))
                .timeout(PROBE_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: no shutdown hook, no leave-group, no commit. */
    void kill(Instance instance) throws InterruptedException {
        instance.process().destroyForcibly().waitFor();
    }

    List<Instance> all() {
        return List.copyOf(instances);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** SIGTERM to every instance still running (each closes itself), SIGKILL after 60 s. */
    @Override
    public void close() throws InterruptedException {
        instances.forEach(instance -> instance.process().destroy());
        for (Instance instance : instances) {
            if (!instance.process().waitFor(60, TimeUnit.SECONDS)) {
                instance.process().destroyForcibly().waitFor();
            }
        }
    }
}
