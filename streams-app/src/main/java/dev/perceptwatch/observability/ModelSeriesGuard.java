package dev.perceptwatch.observability;

import dev.perceptwatch.contract.EventContract;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the number of distinct (model_id, model_version) label pairs. Model ids and versions come from
 * the input events, so an unbounded set would let one misbehaving producer blow up Prometheus; past the
 * cap, new pairs are reported as {@code model_id="other", model_version="other"}. Ids that break the event
 * contract (blank, over-long, a control character: a dead letter's, say) are reported as
 * {@code model_id="invalid", model_version="invalid"}: observability must never fail on what an event holds.
 */
final class ModelSeriesGuard {

    static final String OTHER = "other";
    static final String INVALID = "invalid";

    private final int maxSeries;
    private final Runnable onFold;
    private final Set<ModelLabels> admitted = ConcurrentHashMap.newKeySet();

    /** @param onFold called each time a pair is folded into "other", so the folding itself is visible */
    ModelSeriesGuard(int maxSeries, Runnable onFold) {
        if (maxSeries < 1) {
            throw new IllegalArgumentException("maxModelSeries must be at least 1, got " + maxSeries);
        }
        this.maxSeries = maxSeries;
        this.onFold = onFold;
    }

    /** The labels to report for this model: itself when admitted, otherwise the shared "other" pair. */
    ModelLabels labelsFor(String modelId, String modelVersion) {
        if (!EventContract.validId(modelId) || !EventContract.validId(modelVersion)) {
            return ModelLabels.INVALID;
        }
        ModelLabels key = new ModelLabels(modelId, modelVersion);
        if (admitted.contains(key)) {
            return key;
        }
        synchronized (admitted) {
            if (admitted.contains(key) || admitted.size() < maxSeries && admitted.add(key)) {
                return key;
            }
        }
        onFold.run();
        return ModelLabels.FOLDED;
    }

    /** Whether the pair reports under its own labels (not folded into "other", nor "invalid"). */
    boolean admitted(String modelId, String modelVersion) {
        return admitted.contains(new ModelLabels(modelId, modelVersion));
    }

    /**
     * Frees the pair's place, so the next new pair may report under its own labels.
     *
     * @return whether it had one
     */
    boolean release(String modelId, String modelVersion) {
        return admitted.remove(new ModelLabels(modelId, modelVersion));
    }

    /** The labels of a pair; only {@link #labelsFor} makes one from event ids. */
    record ModelLabels(String modelId, String modelVersion) {
        static final ModelLabels FOLDED = new ModelLabels(OTHER, OTHER);
        static final ModelLabels INVALID = new ModelLabels(ModelSeriesGuard.INVALID, ModelSeriesGuard.INVALID);
    }
}
