package dev.perceptwatch.bench;

import dev.perceptwatch.commandline.UserFixableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One of the checkout's {@code ops/} scripts ({@code kafka.sh}, {@code registry.sh}) run on a state dir of its
 * own, as the benchmarks start their broker and registry, and as the tests that need a broker process (one
 * they can kill) start theirs.
 */
public final class OpsScript {
    private final Path script;

    private OpsScript(Path script) {
        this.script = script;
    }

    /** {@code ops/NAME} of the checkout at or above the working directory. */
    public static OpsScript named(String name) {
        return new OpsScript(opsFolder(Path.of("")).resolve(name));
    }

    /** The {@code ops/} folder of the checkout at or above {@code from}. */
    static Path opsFolder(Path from) {
        for (Path at = from.toAbsolutePath().normalize(); at != null; at = at.getParent()) {
            if (Files.isExecutable(at.resolve("ops/kafka.sh")) && Files.isExecutable(at.resolve("ops/registry.sh"))) {
                return at.resolve("ops");
            }
        }
        throw new IllegalArgumentException("no ops/kafka.sh and ops/registry.sh at or above " + from.toAbsolutePath()
                + ": run from a PerceptWatch checkout");
    }

    /**
     * Runs {@code script command --dir dir options...}; returns its last output line (or, when it prints none,
     * its last error line), or fails with its last error line (the scripts end a failure with the cause) and
     * where the rest of its output is: {@code dir/command.out} and {@code .err}.
     */
    public String run(String command, Path dir, long timeoutSeconds, String... options) {
        List<String> args = new ArrayList<>(List.of(script.toString(), command, "--dir", dir.toString()));
        args.addAll(List.of(options));
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
}
