package dev.perceptwatch.observability;

import java.util.List;

/** Whether the service should receive traffic, and if not, what is missing (one short phrase each). */
record Readiness(List<String> notReady) {

    Readiness {
        notReady = List.copyOf(notReady);
    }

    static Readiness ready() {
        return new Readiness(List.of());
    }

    boolean isReady() {
        return notReady.isEmpty();
    }
}
