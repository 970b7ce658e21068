package dev.perceptwatch.topology;

/** The key of scores and windows: model and version, with an optional segment, joined by a separator. */
final class ModelKey {
    static final char SEPARATOR = '\u001f';

    private ModelKey() {
    }

    static String of(String modelId, String modelVersion) {
        return modelId + SEPARATOR + modelVersion;
    }
}
