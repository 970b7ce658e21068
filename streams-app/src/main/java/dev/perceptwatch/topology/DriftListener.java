package dev.perceptwatch.topology;

import dev.perceptwatch.drift.DriftKey;
import dev.perceptwatch.drift.DriftState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.WindowStats;
import java.util.Collection;

/**
 * What the drift stage tells observability; called on stream threads, through {@link #guarded}. Each event is
 * ignored unless overridden.
 */
public interface DriftListener {
    /** A key's state as restored at start-up, before any new window. */
    default void onRestored(DriftKey key, DriftState state) {
    }

    default void onWindow(WindowStats window, DriftState state) {
    }

    default void onAlert(DriftAlert alert) {
    }

    /**
     * The task judging these keys closed: moved to another instance, which reports them from now on, or the
     * instance is stopping.
     */
    default void onClosed(Collection<DriftKey> keys) {
    }

    /**
     * These keys had no window for {@code drift.idle-after}: retired versions, whose series may free their
     * place under the model series cap.
     */
    default void onRetired(Collection<DriftKey> keys) {
    }

    /** This listener, with every failure of it counted and logged by {@code errors} instead of thrown. */
    static DriftListener guarded(DriftListener listener, InternalErrors errors) {
        return new DriftListener() {
            @Override
            public void onRestored(DriftKey key, DriftState state) {
                errors.guard("DriftListener.onRestored of " + key, () -> listener.onRestored(key, state));
            }

            @Override
            public void onWindow(WindowStats window, DriftState state) {
                errors.guard("DriftListener.onWindow of " + window.getModelId() + "/" + window.getModelVersion()
                        + " at " + window.getWindowStart(), () -> listener.onWindow(window, state));
            }

            @Override
            public void onAlert(DriftAlert alert) {
                errors.guard("DriftListener.onAlert " + alert.getAlertId(), () -> listener.onAlert(alert));
            }

            @Override
            public void onClosed(Collection<DriftKey> keys) {
                errors.guard("DriftListener.onClosed", () -> listener.onClosed(keys));
            }

            @Override
            public void onRetired(Collection<DriftKey> keys) {
                errors.guard("DriftListener.onRetired", () -> listener.onRetired(keys));
            }
        };
    }

    DriftListener NONE = new DriftListener() {
    };
}
