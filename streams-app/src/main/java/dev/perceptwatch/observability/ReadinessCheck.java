package dev.perceptwatch.observability;

/** Answers {@code /ready} and the {@code perceptwatch_ready} gauge; evaluated on every request or scrape. */
@FunctionalInterface
public interface ReadinessCheck {
    Readiness check();
}
