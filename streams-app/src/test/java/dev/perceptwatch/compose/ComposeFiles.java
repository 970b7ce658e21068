package dev.perceptwatch.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.perceptwatch.testing.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** docker-compose.yml and the Dockerfile, read the way Docker reads them (as far as these checks need). */
final class ComposeFiles {

    static final Path ROOT = RepoFiles.root();
    static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
    static final Path DOCKERFILE = ROOT.resolve("Dockerfile");

    private ComposeFiles() {
    }

    static JsonNode yaml(Path file) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
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
