package dev.perceptwatch.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.testing.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelResolverTest {

    private final ModelManifest manifest = ModelManifest.fromClasspath();

    @Test
    void packagedManifestListsBothModelsWithTheContractTheCodeUses() {
        assertEquals(Set.of("lpips-alex", "lpips-squeeze"), manifest.names());
        assertEquals("lpips-alex", manifest.defaultModel());
        assertEquals(5, manifest.model("lpips-alex").layers());
        assertEquals(7, manifest.model("lpips-squeeze").layers());
        assertEquals(Set.of(LpipsModel.IMG0, LpipsModel.IMG1), manifest.contract().inputs().keySet());
        assertEquals(Set.of(LpipsModel.DISTANCE, LpipsModel.LAYER_DISTANCES, LpipsModel.FEATURE_MSE, LpipsModel.SPATIAL),
                manifest.contract().outputs().keySet());
        assertEquals(Set.of("source", "backbone", "head", "made_by"), manifest.contract().split().keySet());
    }

    @Test
    void sharedModelsResolveWithTheirListedChecksums() {
        for (String name : manifest.names()) {
            ResolvedModel model = TestModels.resolver().resolve(name);
            assertEquals(manifest.model(name).sha256(), model.sha256());
            assertEquals(manifest.model(name).sizeBytes(), model.onnx().length);
        }
    }

    @Test
    void backboneAndHeadResolveLikeTheFullModelWithTheirListedChecksums() {
        for (String name : manifest.names()) {
            ModelSpec.Split split = manifest.model(name).split();
            ResolvedSplit parts = TestModels.resolver().resolveSplit(name).orElseThrow();
            assertEquals(SharedFiles.modelsDir().resolve(split.backbone().file()), parts.backbone().file());
            assertEquals(split.backbone().sha256(), ModelResolver.sha256(parts.backbone().bytes()));
            assertEquals(split.head().sha256(), parts.head().sha256());
            assertEquals(split.head().sizeBytes(), parts.head().bytes().length);
        }
    }

    @Test
    void withOnlyTheFullModelOnThePathThereIsNoSplit(@TempDir Path dir) throws IOException {
        ModelSpec spec = manifest.model("lpips-squeeze");
        Files.copy(SharedFiles.modelsDir().resolve(spec.file()), dir.resolve(spec.file()));
        Files.copy(SharedFiles.modelsDir().resolve(spec.split().backbone().file()),
                dir.resolve(spec.split().backbone().file()));
        ModelResolver resolver = new ModelResolver(manifest, List.of(dir));
        assertEquals(dir.resolve(spec.file()), resolver.resolve("lpips-squeeze").file());
        assertTrue(resolver.resolveSplit("lpips-squeeze").isEmpty(), "the head is missing");
    }

    @Test
    void anAlteredBackboneIsRefusedLikeAnAlteredModel(@TempDir Path dir) throws IOException {
        ModelSpec.Part backbone = manifest.model("lpips-alex").split().backbone();
        byte[] bytes = Files.readAllBytes(SharedFiles.modelsDir().resolve(backbone.file()));
        bytes[bytes.length / 3] ^= 1;
        Path altered = Files.write(dir.resolve(backbone.file()), bytes);
        ModelResolver resolver = new ModelResolver(manifest, List.of(dir, SharedFiles.modelsDir()));
        String message = assertThrows(ModelResolutionException.class, () -> resolver.resolveSplit("lpips-alex"))
                .getMessage();
        assertTrue(message.contains("sha256 mismatch for " + altered.toAbsolutePath()), message);
        assertTrue(message.contains("expected " + backbone.sha256()), message);
        assertTrue(message.contains("remove it to score with the full model alone"), message);
    }

    @Test
    void unknownNameListsTheKnownModels() {
        ModelResolutionException error = assertThrows(ModelResolutionException.class,
                () -> TestModels.resolver().resolve("lpips-vgg"));
        assertEquals("unknown model name 'lpips-vgg'; known models: lpips-alex, lpips-squeeze", error.getMessage());
    }

    @Test
    void missingFileSaysWhereItLookedAndHowToObtainIt(@TempDir Path empty) {
        ModelResolver resolver = new ModelResolver(manifest, List.of(empty, empty.resolve("absent")));
        String message = assertThrows(ModelResolutionException.class, () -> resolver.resolve("lpips-squeeze"))
                .getMessage();
        assertTrue(message.contains("lpips_squeeze_v0.1.onnx not found"), message);
        assertTrue(message.contains(empty.toAbsolutePath().toString())
                && message.contains(empty.resolve("absent").toAbsolutePath().toString()), message);
        assertTrue(message.contains("models/README.md") && message.contains("export_lpips_onnx.py"), message);
    }

    @Test
    void alteredFileIsRefusedNamingFileAndBothChecksums(@TempDir Path dir) throws IOException {
        ModelSpec spec = manifest.model("lpips-alex");
        byte[] bytes = Files.readAllBytes(SharedFiles.modelsDir().resolve(spec.file()));
        bytes[bytes.length / 2] ^= 1;
        Path altered = Files.write(dir.resolve(spec.file()), bytes);
        String actual = ModelResolver.sha256(bytes);

        ModelResolver resolver = new ModelResolver(manifest, List.of(dir, SharedFiles.modelsDir()));
        String message = assertThrows(ModelResolutionException.class, () -> resolver.resolve("lpips-alex"))
                .getMessage();
        assertTrue(message.contains("sha256 mismatch for " + altered.toAbsolutePath()), message);
        assertTrue(message.contains("expected " + spec.sha256() + ", actual " + actual), message);

        ResolvedModel pinned = resolver.resolve("lpips-alex", actual.toUpperCase());
        assertEquals(altered, pinned.file());
    }

    @Test
    void firstDirectoryOnThePathWins(@TempDir Path dir) throws IOException {
        ModelSpec spec = manifest.model("lpips-squeeze");
        Path copy = Files.copy(SharedFiles.modelsDir().resolve(spec.file()), dir.resolve(spec.file()));
        ModelResolver resolver = new ModelResolver(manifest, List.of(dir, SharedFiles.modelsDir()));
        assertEquals(copy, resolver.resolve("lpips-squeeze").file());
    }

    @Test
    void serviceSearchPathPutsExplicitDirectoriesFirst() {
        assertEquals(List.of(Path.of("/opt/models"), Path.of("models"), Path.of("..", "shared", "models")),
                ModelResolver.searchPath(List.of(Path.of("/opt/models"))));
    }
}
