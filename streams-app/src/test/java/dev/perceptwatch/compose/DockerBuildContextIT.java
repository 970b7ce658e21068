package dev.perceptwatch.compose;

import static dev.perceptwatch.compose.ComposeFiles.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.perceptwatch.compose.ComposeFiles.DockerIgnore;
import dev.perceptwatch.compose.ComposeFiles.Instruction;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile's build stage without Docker: its COPY instructions, with the build context filtered by
 * {@code .dockerignore}, assemble an empty directory (standing for the stage's filesystem), and its RUN
 * command builds there, offline ({@code -o}) from the local Maven repository, so that a module or file the
 * Dockerfile forgets to copy fails this test. Runs after {@code package}: by then every plugin the build
 * uses is in the local repository.
 */
class DockerBuildContextIT {
    private static final long BUILD_TIMEOUT_MINUTES = 10;

    @TempDir
    Path image;

    @Test
    void theBuildStageBuildsTheJarFromWhatItCopies() throws Exception {
        List<Instruction> build = ComposeFiles.stage(ComposeFiles.dockerfile(), "build");
        DockerIgnore ignore = DockerIgnore.read(ROOT.resolve(".dockerignore"));
        Path workdir = image;
        List<String> commands = new ArrayList<>();
        for (Instruction instruction : build) {
            switch (instruction.keyword()) {
                case "WORKDIR" -> workdir = inImage(instruction.arguments());
                case "COPY" -> copy(instruction.arguments(), workdir, ignore);
                case "RUN" -> commands.add(withoutFlags(instruction.arguments()));
                default -> { }
            }
        }
        assertEquals(1, commands.size(), "one RUN in the build stage: " + commands);
        String command = commands.get(0);
        assertTrue(command.startsWith("./mvnw "), command);
        Path log = image.resolve("build.log");
        List<String> args = new ArrayList<>(List.of("bash", "-c", command.replaceFirst("^\\./mvnw ", "./mvnw -o ")
                + " -Dmaven.repo.local=" + System.getProperty("perceptwatch.maven.repo",
                        System.getProperty("user.home") + "/.m2/repository")));
        Process process = new ProcessBuilder(args).directory(workdir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            fail(command + " did not finish within " + BUILD_TIMEOUT_MINUTES + " min:\n" + tail(log));
        }
        assertEquals(0, process.exitValue(), "the build stage's command failed in its COPY context ("
                + String.join(" ", args) + "):\n" + tail(log));

        // The runtime stage takes the jar from where the build stage left it.
        String jar = ComposeFiles.runtimeStage(ComposeFiles.dockerfile()).stream()
                .filter(i -> i.keyword().equals("COPY") && i.arguments().startsWith("--from=build "))
                .map(i -> i.arguments().split("\\s+")[1]).findFirst().orElseThrow();
        assertTrue(Files.isRegularFile(inImage(jar)), jar + " was not built");
    }

    /** {@code COPY SRC... DEST}: a folder's content, or a file, from the context; DEST relative to WORKDIR. */
    private void copy(String arguments, Path workdir, DockerIgnore ignore) throws IOException {
        List<String> parts = Arrays.asList(arguments.split("\\s+"));
        if (parts.get(0).startsWith("--")) {
            fail("COPY with flags in the build stage is not modelled here: " + arguments);
        }
        String destination = parts.get(parts.size() - 1);
        Path target = destination.startsWith("/") ? inImage(destination) : workdir.resolve(destination);
        List<String> sources = parts.subList(0, parts.size() - 1);
        for (String source : sources) {
            Path from = ROOT.resolve(source).normalize();
            assertTrue(Files.exists(from), "COPY " + source + ": not in the build context");
            if (Files.isDirectory(from)) {
                copyTree(from, target, ignore);
            } else if (!ignore.excludes(relative(from))) {
                Path to = sources.size() > 1 || destination.endsWith("/") ? target.resolve(from.getFileName()) : target;
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void copyTree(Path from, Path target, DockerIgnore ignore) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (!dir.equals(ROOT) && ignore.prunes(relative(dir))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(target.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (!ignore.excludes(relative(file))) {
                    Files.copy(file, target.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String relative(Path inContext) {
        return ROOT.relativize(inContext).toString().replace('\\', '/');
    }

    private Path inImage(String absolute) {
        return image.resolve(absolute.replaceFirst("^/+", ""));
    }

    /** The command of {@code RUN [--mount=...] command}. */
    private static String withoutFlags(String arguments) {
        return arguments.replaceFirst("^(--\\S+\\s+)+", "");
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
