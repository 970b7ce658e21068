package dev.perceptwatch.bench;

import dev.perceptwatch.commandline.UserFixableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
    private final Path dir;
    private final Runnable stop;
    private final Thread hook;
    private boolean closed;

    private LocalCluster(String bootstrap, String registryUrl, Path dir, Runnable stop, Thread hook) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.dir = dir;
        this.stop = stop;
        this.hook = hook;
    }

    /** Servers that already run (given by address): nothing is started or stopped, only a scratch dir is made. */
    static LocalCluster existing(String bootstrap, String registryUrl) throws IOException {
        Path dir = Files.createTempDirectory("perceptwatch-bench-");
        Runnable stop = () -> delete(dir);
        Thread hook = new Thread(stop, "perceptwatch-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        return new LocalCluster(bootstrap, registryUrl, dir, stop, hook);
    }

    /**
     * Builds the registry when it is not built yet ({@code ops/registry.sh build}, as {@code ops/run-local.sh}
     * does), then starts a broker and a registry.
     */
    static LocalCluster start(Path ops, PrintWriter log) throws IOException {
        Path dir = Files.createTempDirectory("perceptwatch-bench-");
        Runnable stopServers = () -> {
            try {
                run(ops.resolve("registry.sh"), "stop", dir.resolve("registry"), SCRIPT_TIMEOUT_SECONDS);
            } finally {
                run(ops.resolve("kafka.sh"), "stop", dir.resolve("kafka"), SCRIPT_TIMEOUT_SECONDS);
            }
        };
        Runnable stop = () -> {
            stopServers.run();
            delete(dir); // not reached when the broker did not stop: its data stays for a look
        };
        Thread hook = new Thread(stop, "perceptwatch-bench-cluster-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        log.println("schema registry: ops/registry.sh build (once; the first build downloads it, minutes)");
        log.flush();
        try {
            log.println(run(ops.resolve("registry.sh"), "build", dir.resolve("registry"), BUILD_TIMEOUT_SECONDS));
            log.println("starting a Kafka broker and the schema registry in " + dir);
            log.flush();
            String bootstrap = run(ops.resolve("kafka.sh"), "start", dir.resolve("kafka"), SCRIPT_TIMEOUT_SECONDS);
            String registryUrl = run(ops.resolve("registry.sh"), "start", dir.resolve("registry"),
                    SCRIPT_TIMEOUT_SECONDS);
            return new LocalCluster(bootstrap, registryUrl, dir, stop, hook);
        } catch (RuntimeException e) {
            // The servers are stopped, their logs kept (the message points at them).
            Runtime.getRuntime().removeShutdownHook(hook);
            try {
                stopServers.run();
            } catch (RuntimeException whileStopping) {
                e.addSuppressed(whileStopping);
            }
            throw e;
        }
    }

    /** The {@code ops/} folder of the checkout at or above {@code from}. */
    static Path findOps(Path from) {
        for (Path at = from.toAbsolutePath().normalize(); at != null; at = at.getParent()) {
            if (Files.isExecutable(at.resolve("ops/kafka.sh")) && Files.isExecutable(at.resolve("ops/registry.sh"))) {
                return at.resolve("ops");
            }
        }
        throw new IllegalArgumentException("no ops/kafka.sh and ops/registry.sh at or above " + from.toAbsolutePath()
                + ": run from a PerceptWatch checkout");
    }

    String bootstrap() {
        return bootstrap;
    }

    String registryUrl() {
        return registryUrl;
    }

    /** The run's own temporary directory (e.g. for Kafka Streams state), removed on close. */
    Path dir() {
        return dir;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook is running or about to: it does the stopping
        }
        stop.run();
    }

    /**
     * Runs {@code script command --dir dir}; returns its last output line (or, when it prints none, its last
     * error line), or fails with its last error line (the scripts end a failure with the cause) and where the
     * rest of its output is.
     */
    private static String run(Path script, String command, Path dir, long timeoutSeconds) {
        List<String> args = new ArrayList<>(List.of(script.toString(), command, "--dir", dir.toString()));
        try {
            Files.createDirectories(dir);
            Path output = dir.resolve(command + ".out");
            Path errors = dir.resolve(command + ".err");
            // Files, not pipes: the server the script starts must not hold our end of a pipe open.
            Process process = new ProcessBuilder(args).redirectOutput(output.toFile())
                    .redirectError(errors.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new UserFixableException(String.join(" ", args) + " did not finish in " + timeoutSeconds
                        + " s; its output is in " + errors);
            }
            String lastError = lastLine(errors);
            if (process.exitValue() != 0) {
                throw new UserFixableException(String.join(" ", args) + " failed (exit " + process.exitValue()
                        + "): " + lastError + " (its output and the server's log: " + dir + ")");
            }
            String printed = lastLine(output);
            return printed.isEmpty() ? lastError : printed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", args), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", args), e);
        }
    }

    private static String lastLine(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip().lines().reduce((first, second) -> second)
                .orElse("");
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
