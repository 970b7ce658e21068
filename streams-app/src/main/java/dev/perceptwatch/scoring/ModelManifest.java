package dev.perceptwatch.scoring;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The model manifest ({@code models/manifest.json}, packaged as
 * {@code dev/perceptwatch/scoring/manifest.json}): known model names, their files, checksums and contract.
 */
record ModelManifest(int format, String defaultModel, Contract contract, Map<String, ModelSpec> models) {

    static final int FORMAT = 1;
    private static final String RESOURCE = "manifest.json";

    /**
     * The input and output names every model must have, with a description of each, and what the backbone
     * and head of a split model are.
     */
    record Contract(String source, int opset, Map<String, String> inputs, Map<String, String> outputs,
                    Map<String, String> split) {
        Contract {
            inputs = Map.copyOf(Objects.requireNonNull(inputs, "contract.inputs"));
            outputs = Map.copyOf(Objects.requireNonNull(outputs, "contract.outputs"));
            split = Map.copyOf(Objects.requireNonNull(split, "contract.split"));
        }
    }

    ModelManifest {
        if (format != FORMAT) {
            throw new IllegalArgumentException("unsupported model manifest format " + format + " (expected " + FORMAT + ")");
        }
        Objects.requireNonNull(contract, "contract");
        models = Map.copyOf(Objects.requireNonNull(models, "models"));
        if (!models.containsKey(defaultModel)) {
            throw new IllegalArgumentException("default_model '" + defaultModel + "' is not one of " + models.keySet());
        }
    }

    /** The manifest packaged in the service jar. */
    static ModelManifest fromClasspath() {
        try (InputStream in = ModelManifest.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("model manifest " + RESOURCE + " is missing from the classpath"
                        + " (package dev/perceptwatch/scoring); the build copies it from models/manifest.json");
            }
            return mapper().readValue(in, ModelManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the packaged model manifest: " + e.getMessage(), e);
        }
    }

    Set<String> names() {
        return new TreeSet<>(models.keySet());
    }

    /** The entry for {@code name}, or a {@link ModelResolutionException} listing the known names. */
    ModelSpec model(String name) {
        ModelSpec spec = models.get(name);
        if (spec == null) {
            throw new ModelResolutionException("unknown model name '" + name + "'; known models: "
                    + String.join(", ", names()));
        }
        return spec;
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);
    }
}
