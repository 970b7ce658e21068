package dev.perceptwatch.drift;

import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.Severity;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LifecycleTest {

    private static final DetectorResult BREACH = new DetectorResult(DetectorKind.EFFECT_SIZE, 5, 3, true, 0.1, 5);
    private static final Lifecycle.Verdict BREACHING = new Lifecycle.Verdict(true, false, BREACH);
    private static final Lifecycle.Verdict CRITICAL = new Lifecycle.Verdict(true, true, BREACH);
    private static final Lifecycle.Verdict CLEAN = new Lifecycle.Verdict(false, false, null);

    /** Feeds verdicts with k = 3, m = 2; returns what was emitted per window (null = nothing). */
    private static List<AlertState> run(Lifecycle.Verdict... verdicts) {
        Lifecycle state = Lifecycle.QUIET;
        List<AlertState> emitted = new ArrayList<>();
        for (int i = 0; i < verdicts.length; i++) {
            Lifecycle.Transition t = state.step(verdicts[i], 3, 2, "id-" + i);
            emitted.add(t.emitted());
            state = t.next();
        }
        return emitted;
    }

    private static List<AlertState> states(AlertState... states) {
        return new ArrayList<>(java.util.Arrays.asList(states));
    }

    @Test
    void firesAfterKConsecutiveBreachesOnceAndResolvesAfterMCleanWindows() {
        assertEquals(states(null, null, AlertState.FIRING, null, null, null, AlertState.RESOLVED),
                run(BREACHING, BREACHING, BREACHING, BREACHING, BREACHING, CLEAN, CLEAN));
    }

    @Test
    void aCleanWindowResetsTheBreachCount() {
        assertEquals(states(null, null, null, null, null, AlertState.FIRING),
                run(BREACHING, BREACHING, CLEAN, BREACHING, BREACHING, BREACHING));
    }

    @Test
    void anOscillatingMetricNeitherFiresNorFlaps() {
        Lifecycle.Verdict[] alternating = new Lifecycle.Verdict[20];
        for (int i = 0; i < alternating.length; i++) {
            alternating[i] = i % 2 == 0 ? BREACHING : CLEAN;
        }
        assertTrue(run(alternating).stream().allMatch(s -> s == null), "never k = 3 breaches in a row");

        // Once firing, alternating never gives m = 2 clean windows in a row: no RESOLVED, no second FIRING.
        Lifecycle.Verdict[] firingThenAlternating = new Lifecycle.Verdict[23];
        for (int i = 0; i < firingThenAlternating.length; i++) {
            firingThenAlternating[i] = i < 3 || i % 2 == 1 ? BREACHING : CLEAN;
        }
        List<AlertState> emitted = run(firingThenAlternating);
        assertEquals(1, emitted.stream().filter(s -> s != null).count());
        assertEquals(AlertState.FIRING, emitted.get(2));
    }

    @Test
    void aCriticalBreachFiresAtOnceAndTheEpisodeKeepsItsIdAndSeverity() {
        Lifecycle state = Lifecycle.QUIET;
        Lifecycle.Transition fired = state.step(CRITICAL, 3, 2, "episode-1");
        assertEquals(AlertState.FIRING, fired.emitted());
        assertEquals(Severity.CRITICAL, fired.next().severity());
        Lifecycle.Transition next = fired.next().step(CLEAN, 3, 2, "other");
        Lifecycle.Transition resolved = next.next().step(CLEAN, 3, 2, "other");
        assertEquals(AlertState.RESOLVED, resolved.emitted());
        assertEquals("episode-1", resolved.next().alertId());
        assertEquals(Severity.CRITICAL, resolved.next().severity());
        assertEquals(3, resolved.next().episodeWindows());
    }
}
