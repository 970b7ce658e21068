package dev.perceptwatch.topology;

/**
 * The key of scores and windows: model and version, and the segment when windows are segmented, joined by
 * the ASCII unit separator, a control character, which the event contract refuses in model ids and versions
 * ({@code EventContract.idProblem}); the segment comes last, so one that holds it still parses.
 */
final class ModelKey {
    static final String SEPARATOR = "\u001f";

    /** The parts of a key; segment is null for unsegmented keys. */
    record Parts(String modelId, String modelVersion, String segment) {
    }

    private ModelKey() {
    }

    static String of(String modelId, String modelVersion) {
        return modelId + SEPARATOR + modelVersion;
    }

    /** A null segment (the event lacks the attribute) gives the unsegmented key. */
    static String of(String modelId, String modelVersion, String segment) {
        return segment == null ? of(modelId, modelVersion) : of(modelId, modelVersion) + SEPARATOR + segment;
    }

    static Parts parse(String key) {
        String[] parts = key.split(SEPARATOR, 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a model key: " + key);
        }
        return new Parts(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }
}
