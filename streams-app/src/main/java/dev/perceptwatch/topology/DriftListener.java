package dev.perceptwatch.topology;

import dev.perceptwatch.drift.DriftKey;
import dev.perceptwatch.drift.DriftState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.WindowStats;
import java.util.Collection;

/** What the drift stage tells observability; called on stream threads. */
interface DriftListener {
    /** A key's state as restored at start-up, before any new window. */
    void onRestored(DriftKey key, DriftState state);

    void onWindow(WindowStats window, DriftState state);

    void onAlert(DriftAlert alert);

    /**
     * The task judging these keys closed: moved to another instance, which reports them from now on, or the
     * instance is stopping.
     */
    void onClosed(Collection<DriftKey> keys);

    DriftListener NONE = new DriftListener() {
        @Override
        public void onRestored(DriftKey key, DriftState state) {
        }

        @Override
        public void onWindow(WindowStats window, DriftState state) {
        }

        @Override
        public void onAlert(DriftAlert alert) {
        }

        @Override
        public void onClosed(Collection<DriftKey> keys) {
        }
    };
}
