package dev.perceptwatch.drift;

import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.Severity;

/**
 * Alert hysteresis for one key and metric. Not firing: k consecutive breaching windows (or one CRITICAL
 * breach) fire; a clean window resets the count. Firing: m consecutive clean windows resolve; a breaching
 * window resets that count. So one episode has exactly one FIRING and one RESOLVED, and a metric that
 * alternates breach / clean neither fires (k >= 2) nor, once firing, resolves (m >= 2).
 *
 * @param firing         an episode is open
 * @param breachRun      consecutive breaching windows up to now
 * @param cleanRun       consecutive clean windows up to now
 * @param episodeWindows windows since the episode fired, the firing window included
 * @param alertId        the open episode's id, or null
 * @param detector       the detector that fired the open episode, or null
 * @param severity       the open episode's severity, or null
 */
record Lifecycle(boolean firing, int breachRun, int cleanRun, int episodeWindows, String alertId,
                 DetectorKind detector, Severity severity) {

    static final Lifecycle QUIET = new Lifecycle(false, 0, 0, 0, null, null, null);

    /** The verdict of all enabled detectors on one window. */
    record Verdict(boolean breach, boolean critical, DetectorResult lead) {
    }

    record Transition(Lifecycle next, AlertState emitted) {
    }

    /** The open episode closed without a judged window (re-baseline, or its key went quiet). */
    Lifecycle closed() {
        return new Lifecycle(false, 0, 0, episodeWindows, alertId, detector, severity);
    }

    Transition step(Verdict verdict, int fireAfter, int resolveAfter, String newAlertId) {
        int breaches = verdict.breach() ? breachRun + 1 : 0;
        int cleans = verdict.breach() ? 0 : cleanRun + 1;
        if (!firing) {
            if (verdict.breach() && (breaches >= fireAfter || verdict.critical())) {
                Severity fired = verdict.critical() ? Severity.CRITICAL : Severity.WARNING;
                return new Transition(new Lifecycle(true, breaches, 0, 1, newAlertId, verdict.lead().kind(), fired),
                        AlertState.FIRING);
            }
            return new Transition(new Lifecycle(false, breaches, cleans, 0, null, null, null), null);
        }
        if (cleans >= resolveAfter) {
            return new Transition(new Lifecycle(false, 0, cleans, episodeWindows + 1, alertId, detector, severity),
                    AlertState.RESOLVED);
        }
        return new Transition(new Lifecycle(true, breaches, cleans, episodeWindows + 1, alertId, detector, severity),
                null);
    }
}
