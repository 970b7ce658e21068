package dev.perceptwatch.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.perceptwatch.testing.RepoFiles;
import dev.perceptwatch.testing.SharedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * models/split_lpips_onnx.py, which export_lpips_onnx.py runs on every export, cuts the shared full models into
 * exactly the shared backbone and head: the bytes whose sha256 the manifest lists. Needs Python with onnx
 * (Debian's python3-onnx); skipped without it.
 */
class SplitScriptTest {

    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void cuttingTheSharedModelsGivesThePartsOfTheManifestByteForByte(@TempDir Path out) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && run(out, PYTHON, "-c", "import onnx") == 0, "no onnx for " + PYTHON + " (apt-get install python3-onnx)");
        ModelManifest manifest = ModelManifest.fromClasspath();
        for (String name : manifest.names()) {
            ModelSpec spec = manifest.model(name);
            Path script = RepoFiles.root().resolve("models/split_lpips_onnx.py");
            assertEquals(0, run(out, PYTHON, script.toString(), SharedFiles.modelsDir().resolve(spec.file()).toString(),
                    "--out-dir", out.toString()), Files.readString(out.resolve("output.txt")));
            for (ModelSpec.Part part : new ModelSpec.Part[] {spec.split().backbone(), spec.split().head()}) {
                assertEquals(part.sha256(), ModelResolver.sha256(Files.readAllBytes(out.resolve(part.file()))),
                        part.file());
            }
        }
    }

    private static int run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.txt").toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 120 s");
        }
        return process.exitValue();
    }
}
