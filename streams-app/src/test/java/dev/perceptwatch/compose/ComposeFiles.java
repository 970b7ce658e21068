package dev.perceptwatch.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perceptwatch.testing.RepoFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** docker-compose.yml and the Dockerfile, read the way Docker reads them (as far as these checks need). */
final class ComposeFiles {

    static final Path ROOT = RepoFiles.root();
    static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
    static final Path DOCKERFILE = ROOT.resolve("Dockerfile");

    private ComposeFiles() {
    }

    /**
     * A YAML file as compose reads it: anchors, aliases and {@code <<} merge keys resolved (SnakeYAML; Jackson's
     * YAML parser would leave an alias as the anchor's name).
     */
    static JsonNode yaml(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            return new ObjectMapper().valueToTree(document);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot parse " + file + ": " + e.getMessage(), e);
        }
    }

    /** A volume entry {@code SOURCE:TARGET[:MODE]}: a path on the host (./, ../ or ${VAR...}) or a named volume. */
    record Mount(String source, String target, boolean readOnly) {

        static Mount parse(String entry) {
            // The source may be ${VAR:-default}, whose default can contain ':'.
            int end = entry.startsWith("${") ? entry.indexOf('}') + 1 : entry.indexOf(':');
            String[] rest = entry.substring(end + 1).split(":");
            return new Mount(entry.substring(0, end), rest[0], rest.length > 1 && rest[1].equals("ro"));
        }

        boolean isHostPath() {
            return source.startsWith("./") || source.startsWith("../") || source.startsWith("${");
        }

        /** The host file that the container sees at {@code containerPath}, when this mount covers it. */
        Optional<Path> hostPathOf(String containerPath) {
            if (!isHostPath() || source.startsWith("${")) {
                return Optional.empty();
            }
            if (containerPath.equals(target)) {
                return Optional.of(ROOT.resolve(source).normalize());
            }
            if (containerPath.startsWith(target + "/")) {
                return Optional.of(ROOT.resolve(source).resolve(containerPath.substring(target.length() + 1)).normalize());
            }
            return Optional.empty();
        }
    }

    static List<Mount> mounts(JsonNode service) {
        List<Mount> mounts = new ArrayList<>();
        service.path("volumes").forEach(volume -> mounts.add(Mount.parse(volume.asText())));
        return mounts;
    }

    /** The host file behind a path inside the service's container, or empty when no bind mount covers it. */
    static Optional<Path> hostPath(JsonNode service, String containerPath) {
        return mounts(service).stream().flatMap(m -> m.hostPathOf(containerPath).stream()).findFirst();
    }

    /**
     * Published container ports ({@code "HOST:CONTAINER"} entries) by host port; of a host port range
     * ({@code "FIRST-LAST:CONTAINER"}, a port for each replica of a scaled service) by its first port.
     */
    static Map<Integer, Integer> publishedPorts(JsonNode service) {
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (JsonNode entry : service.path("ports")) {
            String[] parts = entry.asText().split(":");
            ports.put(Integer.parseInt(parts[0].split("-")[0]), Integer.parseInt(parts[parts.length - 1]));
        }
        return ports;
    }

    /** The service's environment, in either of compose's forms (map or KEY=VALUE list). */
    static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode node = service.path("environment");
        if (node.isArray()) {
            node.forEach(entry -> {
                String[] kv = entry.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            });
        } else {
            node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        return env;
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    /** {@code ${VAR}} and {@code ${VAR:-default}} replaced as compose does, from {@code host} (the shell's). */
    static String interpolate(String value, Map<String, String> host) {
        return VARIABLE.matcher(value).replaceAll(match -> {
            String set = host.get(match.group(1));
            String chosen = set != null && !set.isEmpty() ? set : match.group(2) == null ? "" : match.group(2);
            return Matcher.quoteReplacement(chosen);
        });
    }

    /** The service's environment with compose's variables replaced from {@code host}. */
    static Map<String, String> environment(JsonNode service, Map<String, String> host) {
        Map<String, String> env = new LinkedHashMap<>();
        environment(service).forEach((key, value) -> env.put(key, interpolate(value, host)));
        return env;
    }

    /** A command-line option's value ({@code --name=value}) in a list-form command, if present. */
    static Optional<String> option(JsonNode command, String name) {
        for (JsonNode argument : command) {
            if (argument.asText().startsWith(name + "=")) {
                return Optional.of(argument.asText().substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    /** One Dockerfile instruction, continuation lines joined. */
    record Instruction(String keyword, String arguments) {
    }

    /** The instructions of the stage named {@code name} ({@code FROM image AS name}), up to the next FROM. */
    static List<Instruction> stage(List<Instruction> instructions, String name) {
        int from = -1;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                if (from >= 0) {
                    return instructions.subList(from, i);
                }
                if (instructions.get(i).arguments().matches("(?i).*\\s+AS\\s+" + name)) {
                    from = i;
                }
            }
        }
        if (from < 0) {
            throw new AssertionError("no stage " + name + " in " + DOCKERFILE);
        }
        return instructions.subList(from, instructions.size());
    }

    /** The instructions of the last stage (the image that runs). */
    static List<Instruction> runtimeStage(List<Instruction> instructions) {
        int from = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                from = i;
            }
        }
        return instructions.subList(from, instructions.size());
    }

    /**
     * {@code .dockerignore} as Docker applies it to the build context: each line a pattern relative to the
     * context root ({@code *} and {@code ?} within one path element, {@code **} any number of them), a path
     * excluded when it or a folder above it matches, the last matching line deciding ({@code !} re-includes).
     */
    record DockerIgnore(List<Pattern> patterns, List<Boolean> exceptions) {

        static DockerIgnore read(Path file) {
            List<Pattern> patterns = new ArrayList<>();
            List<Boolean> exceptions = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(file)) {
                    String entry = line.strip();
                    if (entry.isEmpty() || entry.startsWith("#")) {
                        continue;
                    }
                    boolean exception = entry.startsWith("!");
                    String glob = (exception ? entry.substring(1) : entry).strip().replaceFirst("^/+", "");
                    patterns.add(Pattern.compile(regex(glob)));
                    exceptions.add(exception);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            return new DockerIgnore(patterns, exceptions);
        }

        private static String regex(String glob) {
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (glob.startsWith("**/", i)) {
                    regex.append("(?:.*/)?");
                    i += 2;
                } else if (glob.startsWith("**", i)) {
                    regex.append(".*");
                    i += 1;
                } else if (c == '*') {
                    regex.append("[^/]*");
                } else if (c == '?') {
                    regex.append("[^/]");
                } else {
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return regex.toString();
        }

        /** Whether {@code relative} (a path in the context, '/'-separated) is left out of the context. */
        boolean excludes(String relative) {
            boolean excluded = false;
            for (int i = 0; i < patterns.size(); i++) {
                if (matchesOrParentMatches(patterns.get(i), relative)) {
                    excluded = !exceptions.get(i);
                }
            }
            return excluded;
        }

        /** Whether a folder's content can be skipped as a whole: it is excluded and no exception could re-include. */
        boolean prunes(String relativeDir) {
            return excludes(relativeDir) && !exceptions.contains(true);
        }

        private static boolean matchesOrParentMatches(Pattern pattern, String relative) {
            for (int end = relative.indexOf('/'); end >= 0; end = relative.indexOf('/', end + 1)) {
                if (pattern.matcher(relative.substring(0, end)).matches()) {
                    return true;
                }
            }
            return pattern.matcher(relative).matches();
        }
    }

    static List<Instruction> dockerfile() {
        List<String> lines;
        try {
            lines = Files.readAllLines(DOCKERFILE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DOCKERFILE, e);
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continues) {
                String text = current.toString().strip();
                int space = text.indexOf(' ');
                instructions.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
                current.setLength(0);
            }
        }
        return instructions;
    }
}
