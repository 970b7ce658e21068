package dev.perceptwatch.drift;

import java.util.List;

/** The key's state after a window, to store, and the alerts to publish (often none). */
public record DriftStep(DriftState state, List<AlertDecision> alerts) {
    public DriftStep {
        alerts = List.copyOf(alerts);
    }
}
