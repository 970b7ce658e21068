package dev.perceptwatch.topology;

import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.ingest.RejectReason;
import java.time.Instant;

/** What the scoring step tells observability; called on stream threads. */
interface ScoringListener {
    void onConsumed();

    void onScored(QualityScore score, Instant publishedAt);

    void onDeadLetter(RejectReason reason);

    ScoringListener NONE = new ScoringListener() {
        @Override
        public void onConsumed() {
        }

        @Override
        public void onScored(QualityScore score, Instant publishedAt) {
        }

        @Override
        public void onDeadLetter(RejectReason reason) {
        }
    };
}
