package dev.perceptwatch.scoring;

import dev.perceptwatch.testing.SharedFiles;
import java.util.List;

/** The real LPIPS models from the shared folder, resolved and checked like the service does. */
final class TestModels {

    private TestModels() {
    }

    static ModelResolver resolver() {
        return new ModelResolver(ModelManifest.fromClasspath(), List.of(SharedFiles.modelsDir()));
    }

    static LpipsModel openOnCpu(String name) {
        return LpipsModel.open(resolver().resolve(name), ScoringDevice.CPU, false,
                Runtime.getRuntime().availableProcessors());
    }
}
