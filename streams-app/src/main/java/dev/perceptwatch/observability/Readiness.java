package dev.perceptwatch.observability;

import java.util.List;

/** Whether the service should receive traffic, and if not, what is missing (one short phrase each). */
public record Readiness(List<String> notReady) {

    public Readiness {
        notReady = List.copyOf(notReady);
    }

    public static Readiness ready() {
        return new Readiness(List.of());
    }

    public static Readiness notReady(String... reasons) {
        if (reasons.length == 0) {
            throw new IllegalArgumentException("a not-ready state needs at least one reason");
        }
        return new Readiness(List.of(reasons));
    }

    public boolean isReady() {
        return notReady.isEmpty();
    }
}
