package dev.perceptwatch.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The console address the commands print links to: --console-url, else the service's own setting from the
 * environment, else the one {@code ops/run-local.sh} writes, else the service's default address.
 */
final class ConsoleUrlOption {
    static final String ENV = "PERCEPTWATCH_CONSOLE_EXTERNAL_URL";
    static final Path STATE_FILE = Path.of(".ops", "local", "console-url");
    static final String DEFAULT = "http://127.0.0.1:9401";

    @Option(names = "--console-url", paramLabel = "URL",
            description = "The console's address for links (default: $" + ENV + ", else .ops/local/console-url, else "
                    + DEFAULT + ").")
    String url;

    String resolve() {
        return resolve(url, System.getenv(), Path.of(""));
    }

    static String resolve(String option, Map<String, String> env, Path workingDir) {
        String chosen = option;
        if (chosen == null || chosen.isBlank()) {
            chosen = env.get(ENV);
        }
        Path file = workingDir.resolve(STATE_FILE);
        if ((chosen == null || chosen.isBlank()) && Files.isRegularFile(file)) {
            try {
                chosen = Files.readString(file).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        if (chosen == null || chosen.isBlank()) {
            chosen = DEFAULT;
        }
        return chosen.strip().replaceAll("/+$", "");
    }
}
