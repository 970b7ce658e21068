package dev.perceptwatch.topology;

import dev.perceptwatch.drift.DriftKey;
import dev.perceptwatch.drift.DriftState;
import dev.perceptwatch.events.DriftAlert;
import dev.perceptwatch.events.WindowStats;

/** What the drift stage tells observability; called on stream threads. */
interface DriftListener {
    /** A key's state as restored at start-up, before any new window. */
    void onRestored(DriftKey key, DriftState state);

    void onWindow(WindowStats window, DriftState state);

    void onAlert(DriftAlert alert);

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
    };
}
