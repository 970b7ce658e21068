package dev.perceptwatch.drift;

import dev.perceptwatch.events.WindowStats;

import java.util.Objects;

/** What drift is tracked for: a model version, optionally one segment of its traffic. */
public record DriftKey(String modelId, String modelVersion, String segment) {

    public DriftKey {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(modelVersion, "modelVersion");
    }

    public static DriftKey of(WindowStats stats) {
        return new DriftKey(stats.getModelId(), stats.getModelVersion(), stats.getSegment());
    }

    /** Readable and unique per key, e.g. {@code sdxl/v7} or {@code sdxl/v7/portrait}. */
    String path() {
        return modelId + "/" + modelVersion + (segment == null ? "" : "/" + segment);
    }
}
