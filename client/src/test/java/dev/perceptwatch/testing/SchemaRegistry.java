package dev.perceptwatch.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real schema registry (Apicurio, Confluent-compatible API) for tests: {@code @ExtendWith(SchemaRegistry.class)}
 * and a {@link Server} parameter. One registry process serves the whole test JVM: it is started by
 * {@code ops/registry.sh start} on first use and stopped when the test plan ends. The registry must have
 * been built ({@code ops/registry.sh build}, which {@code ops/test.sh} runs); building it here would hide a
 * multi-minute Maven build inside a test. Its storage is in memory and shared by all tests, so tests use
 * subjects (topic names) of their own.
 */
public final class SchemaRegistry extends OncePerRun<SchemaRegistry.Running> {

  /** The running registry; {@link #url()} is the Confluent API base, e.g. http://127.0.0.1:PORT/apis/ccompat/v7. */
  public record Server(String url) {}

  private static final long START_TIMEOUT_SECONDS = 240;
  private static final long STOP_TIMEOUT_SECONDS = 60;

  public SchemaRegistry() {
    super(Server.class, Running.class);
  }

  @Override
  protected Running start() {
    return Running.start();
  }

  @Override
  protected Object parameter(Running running) {
    return running.server();
  }

  /** A registry started by {@code script start --dir dir}, stopped by {@code script stop --dir dir}. */
  record Running(Path script, Path dir, Server server) implements AutoCloseable {

    static Running start() {
      Path script = findScript();
      Path dir = Path.of(System.getProperty("user.dir"), "target", "schema-registry").toAbsolutePath();
      String url = run(script, List.of("start", "--dir", dir.toString()), dir, START_TIMEOUT_SECONDS).strip();
      if (!url.startsWith("http://")) {
        throw new IllegalStateException(script + " start printed no registry URL but: " + url);
      }
      return new Running(script, dir, new Server(url));
    }

    @Override
    public void close() {
      run(script, List.of("stop", "--dir", dir.toString()), dir, STOP_TIMEOUT_SECONDS);
    }

    private static Path findScript() {
      for (Path at = Path.of(System.getProperty("user.dir")).toAbsolutePath(); at != null; at = at.getParent()) {
        Path script = at.resolve("ops").resolve("registry.sh");
        if (Files.isExecutable(script)) {
          return script;
        }
      }
      throw new IllegalStateException("ops/registry.sh not found above " + System.getProperty("user.dir"));
    }

    /** Runs the script and returns its standard output; fails with its error output. */
    private static String run(Path script, List<String> arguments, Path dir, long timeoutSeconds) {
      try {
        Files.createDirectories(dir);
        Path errors = dir.resolve("registry.sh.err");
        Path output = dir.resolve("registry.sh.out");
        Process process = new ProcessBuilder(concat(script, arguments))
            .redirectOutput(output.toFile())
            .redirectError(errors.toFile())
            .start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(script + " " + arguments + " did not finish in " + timeoutSeconds + " s: "
              + Files.readString(errors, StandardCharsets.UTF_8));
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(script + " " + arguments + " failed (exit " + process.exitValue() + "): "
              + Files.readString(errors, StandardCharsets.UTF_8));
        }
        return Files.readString(output, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException("Could not run " + script + " " + arguments + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while running " + script + " " + arguments, e);
      }
    }

    private static List<String> concat(Path script, List<String> arguments) {
      return Stream.concat(Stream.of(script.toString()), arguments.stream()).toList();
    }
  }
}
