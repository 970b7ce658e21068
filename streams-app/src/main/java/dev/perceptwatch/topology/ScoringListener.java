package dev.perceptwatch.topology;

import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.contract.RejectReason;
import java.time.Instant;

/** What the scoring step tells observability; called on stream threads, through {@link #guarded}. */
public interface ScoringListener {
    void onConsumed();

    void onScored(QualityScore score, Instant publishedAt);

    void onDeadLetter(RejectReason reason);

    /** This listener, with every failure of it counted and logged by {@code errors} instead of thrown. */
    static ScoringListener guarded(ScoringListener listener, InternalErrors errors) {
        return new ScoringListener() {
            @Override
            public void onConsumed() {
                errors.guard("ScoringListener.onConsumed", listener::onConsumed);
            }

            @Override
            public void onScored(QualityScore score, Instant publishedAt) {
                errors.guard("ScoringListener.onScored of " + score.getEventId(),
                        () -> listener.onScored(score, publishedAt));
            }

            @Override
            public void onDeadLetter(RejectReason reason) {
                errors.guard("ScoringListener.onDeadLetter", () -> listener.onDeadLetter(reason));
            }
        };
    }

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
