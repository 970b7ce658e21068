package dev.perceptwatch.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code perceptwatch run --config FILE} as a process of its own, started from the test JVM's classpath (the
 * shaded jar is only built after the tests), its output appended to a log file that outlives the test.
 * Restartable: each {@link #start()} runs a new process with the same settings and state dir.
 */
final class ServiceProcess implements AutoCloseable {
    private static final String RUNNING = "kafka streams REBALANCING -> RUNNING";
    private static final Pattern METRICS_URL = Pattern.compile("metrics on http://[^/]+:(\\d+)/metrics");

    private final Path config;
    private final Path log;
    private final Path javaArguments;
    private final Path tmpDir;
    private final List<String> jvmOptions;
    private Process process;
    private long startedAtLogOffset;
    private int starts;

    /** {@code workDir} holds the JVM's argument file and temporary dir (a test's own @TempDir). */
    ServiceProcess(Path config, Path log, Path workDir) throws IOException {
        this(config, log, workDir, List.of());
    }

    /** {@code jvmOptions} come after the usual heap and collector options, and so override them. */
    ServiceProcess(Path config, Path log, Path workDir, List<String> jvmOptions) throws IOException {
        this.config = config;
        this.log = log;
        this.jvmOptions = List.copyOf(jvmOptions);
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        // The classpath goes in an argument file: ONNX Runtime 1.29 crashes (SIGSEGV, no hs_err file) creating
        // its environment on a thread with the default 1-2 MB stack when the process's command line is long, as
        // a -cp of the test classpath (8 KB) makes it.
        javaArguments = workDir.resolve("java-arguments");
        Files.writeString(javaArguments, "-cp\n\"" + System.getProperty("java.class.path") + "\"\n");
        // ONNX Runtime unpacks its 28 MB native library into the temporary dir and deletes it at exit, which a
        // killed process never reaches: keep those copies in the test's own dir.
        tmpDir = Files.createDirectories(workDir.resolve("tmp"));
    }

    void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the service is already running (pid " + process.pid() + ")");
        }
        starts++;
        Files.writeString(log, "=== perceptwatch run, start " + starts + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        startedAtLogOffset = Files.size(log);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Djava.io.tmpdir=" + tmpDir, "@" + javaArguments,
                "dev.perceptwatch.cli.PerceptWatchCommand", "run", "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Only the settings file configures the service under test.
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("PERCEPTWATCH_"));
        process = builder.start();
    }

    long pid() {
        return process.pid();
    }

    /** Waits until this start's streams client is running; false when the process exited or time ran out. */
    boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (logSinceStart().contains(RUNNING)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * The metrics port this start listens on (a settings file's port 0 picks a free one), from its start-up
     * line; -1 when the process exited or time ran out before it was logged.
     */
    int metricsPort(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            Matcher url = METRICS_URL.matcher(logSinceStart());
            if (url.find()) {
                return Integer.parseInt(url.group(1));
            }
            Thread.sleep(100);
        }
        return -1;
    }

    /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux); returns the exit status. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    /** SIGTERM: the service closes itself in its shutdown hook. Returns the exit status, or -1 on a timeout. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /**
     * Has a running service print its threads' stacks into its log (SIGQUIT, the JVM's thread dump), so that a
     * stall can be read after the test; returns once the dump had time to be written.
     */
    void dumpThreads() throws IOException, InterruptedException {
        if (isAlive()) {
            new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).inheritIO().start().waitFor();
            Thread.sleep(2000);
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** How often a text appears in the output of every start so far. */
    int countInLog(String text) {
        String all = read(0);
        int count = 0;
        for (int at = all.indexOf(text); at >= 0; at = all.indexOf(text, at + text.length())) {
            count++;
        }
        return count;
    }

    String tail(int lines) {
        List<String> all = read(0).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    Path log() {
        return log;
    }

    private String logSinceStart() {
        return read(startedAtLogOffset);
    }

    private String read(long offset) {
        try {
            byte[] bytes = Files.readAllBytes(log);
            return new String(bytes, (int) Math.min(offset, bytes.length), (int) Math.max(0, bytes.length - offset),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Leaves no process behind, whatever happened. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
