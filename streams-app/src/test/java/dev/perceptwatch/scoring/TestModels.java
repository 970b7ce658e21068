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

    /** The model's backbone and head, one intra-op thread each, as the service runs them on a CPU. */
    static LpipsSplitModel openSplitOnCpu(String name) {
        return LpipsSplitModel.open(name, ModelManifest.fromClasspath().model(name),
                resolver().resolveSplit(name).orElseThrow(), ScoringDevice.CPU, 1);
    }

    static LpipsModel openOnCpu(String name) {
        return LpipsModel.open(resolver().resolve(name), ScoringDevice.CPU, false,
                Runtime.getRuntime().availableProcessors());
    }
}
