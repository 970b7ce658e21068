package dev.perceptwatch.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The pairs to score offline: two files, a directory of generated images against a single reference, or
 * two directories paired by file name.
 */
final class PairFiles {

    /** A generated file and its reference; {@code reference} is null when no file of that name exists. */
    record FilePair(Path generated, Path reference) {
    }

    private PairFiles() {
    }

    static List<FilePair> list(Path generated, Path reference) {
        if (!Files.exists(generated)) {
            throw new IllegalArgumentException(generated + " does not exist");
        }
        if (!Files.exists(reference)) {
            throw new IllegalArgumentException(reference + " does not exist");
        }
        if (!Files.isDirectory(generated)) {
            if (Files.isDirectory(reference)) {
                return List.of(new FilePair(generated, existing(reference.resolve(generated.getFileName()))));
            }
            return List.of(new FilePair(generated, reference));
        }
        return files(generated).stream()
                .map(file -> new FilePair(file, Files.isDirectory(reference)
                        ? existing(reference.resolve(file.getFileName().toString()))
                        : reference))
                .toList();
    }

    /** The file itself, or the regular files of the directory in name order. */
    static List<Path> files(Path fileOrDirectory) {
        if (!Files.exists(fileOrDirectory)) {
            throw new IllegalArgumentException(fileOrDirectory + " does not exist");
        }
        if (!Files.isDirectory(fileOrDirectory)) {
            return List.of(fileOrDirectory);
        }
        try (Stream<Path> files = Files.list(fileOrDirectory)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + fileOrDirectory, e);
        }
    }

    private static Path existing(Path path) {
        return Files.isRegularFile(path) ? path : null;
    }
}
