package dev.perceptwatch.scoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds a model by name on the model path and checks its sha256 against the manifest before anything
 * loads it.
 */
final class ModelResolver {

    private final ModelManifest manifest;
    private final List<Path> modelPath;

    /** @param modelPath directories searched in order; see {@link #searchPath(List)} for the service's order */
    ModelResolver(ModelManifest manifest, List<Path> modelPath) {
        this.manifest = manifest;
        this.modelPath = List.copyOf(modelPath);
        if (this.modelPath.isEmpty()) {
            throw new IllegalArgumentException("the model path is empty");
        }
    }

    /**
     * The service's model path: the directories of the {@code scoring.model-path} setting, then
     * {@code models/} in the working directory, then {@code ../shared/models/}.
     */
    static List<Path> searchPath(List<Path> explicitDirectories) {
        List<Path> path = new ArrayList<>(explicitDirectories);
        path.add(Path.of("models"));
        path.add(Path.of("..", "shared", "models"));
        return List.copyOf(path);
    }

    /** Resolves {@code name} and requires the sha256 listed in the manifest. */
    ResolvedModel resolve(String name) {
        return resolve(name, manifest.model(name).sha256());
    }

    /**
     * Resolves {@code name} but requires {@code pinnedSha256} instead of the manifest's value: for a model
     * the operator exported themselves (the export is not byte-reproducible across torch/onnx versions).
     * The file is still checked; only the expected value changes.
     */
    ResolvedModel resolve(String name, String pinnedSha256) {
        ModelSpec spec = manifest.model(name);
        Path file = find(spec.file()).orElseThrow(() -> new ModelResolutionException("model '" + name + "': file "
                + spec.file() + " not found; looked in " + searched() + ". See models/README.md for how to obtain it"
                + " (models/export_lpips_onnx.py exports it), or add its directory to scoring.model-path"));
        CheckedFile checked = verified(name, file, pinnedSha256.toLowerCase(Locale.ROOT), spec.sizeBytes(),
                " If you exported this file yourself, pin its hash with scoring.model-sha256 (see models/README.md)");
        return new ResolvedModel(name, spec, file, checked.sha256(), checked.bytes());
    }

    /**
     * The backbone and head of {@code name}, found on the model path like the full model (each file in the
     * first directory that has it) and checked against the manifest's sha256; empty when either is on no
     * directory of the path, which leaves the full model to score alone.
     *
     * @throws ModelResolutionException when a part is found but its sha256 differs from the manifest's
     */
    Optional<ResolvedSplit> resolveSplit(String name) {
        ModelSpec.Split split = manifest.model(name).split();
        Optional<Path> backbone = find(split.backbone().file());
        Optional<Path> head = find(split.head().file());
        if (backbone.isEmpty() || head.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ResolvedSplit(part(name, split.backbone(), backbone.get()),
                part(name, split.head(), head.get())));
    }

    /** Where {@link #resolveSplit} looked, for the line that says the cache is off. */
    String searched() {
        return modelPath.stream().map(p -> p.toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(", "));
    }

    private Optional<Path> find(String fileName) {
        return modelPath.stream().map(directory -> directory.resolve(fileName)).filter(Files::isRegularFile)
                .findFirst();
    }

    private static CheckedFile part(String name, ModelSpec.Part part, Path file) {
        return verified(name, file, part.sha256(), part.sizeBytes(), " Replace it with the shared file, or remove it"
                + " to score with the full model alone (models/README.md)");
    }

    private static CheckedFile verified(String name, Path file, String expected, long listedSize, String advice) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("model '" + name + "': cannot read " + file.toAbsolutePath() + ": " + e, e);
        }
        String actual = sha256(bytes);
        if (!actual.equals(expected)) {
            throw new ModelResolutionException("model '" + name + "': sha256 mismatch for "
                    + file.toAbsolutePath().normalize() + ": expected " + expected + ", actual " + actual
                    + " (" + bytes.length + " bytes; the manifest lists " + listedSize + "). Refusing to load it."
                    + advice);
        }
        return new CheckedFile(file, actual, bytes);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
