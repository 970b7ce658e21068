package dev.perceptwatch.drift.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.perceptwatch.scoring.Metric;
import dev.perceptwatch.aggregation.WindowAccumulator;
import dev.perceptwatch.drift.AlertDecision;
import dev.perceptwatch.drift.ClosedWindow;
import dev.perceptwatch.drift.DetectorKind;
import dev.perceptwatch.drift.DriftEngine;
import dev.perceptwatch.drift.DriftKey;
import dev.perceptwatch.drift.DriftSettings;
import dev.perceptwatch.drift.DriftState;
import dev.perceptwatch.drift.DriftStep;
import dev.perceptwatch.events.AlertState;
import org.apache.commons.rng.simple.RandomSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Replays score streams (synthetic, or resampled real scores) with known change points through the production
 * aggregation and drift code (window bytes and drift state bytes round-trip on every window, as through a state
 * store) and measures detection delay and false alarms per detector configuration, for each metric of the
 * stream and family-wise ({@code any}: a FIRING of any metric, as the paging rule pages).
 *
 * <p>Delay: windows are numbered from the first changed window (1). The delay of a run is the number of the
 * window at whose close the first FIRING (of that metric, or of any) at or after the change is emitted: 1 means
 * the alert came with the first changed window. Runs without such a FIRING within the run are "never"; median
 * and p90 are nearest-rank over all runs and null when they fall on a "never".
 *
 * <p>False alarms: windows after warm-up and before the change (the whole of a {@code none} run) in which a
 * FIRING episode starts, per 10,000 such windows.
 */
public final class DriftEvaluation {

    /**
     * @param runs             runs per change scenario
     * @param windowsPerRun    judged windows per change-scenario run (after warm-up)
     * @param changeAfter      clean judged windows before the change in a change-scenario run
     * @param cleanWindows     judged windows of the {@code none} scenario in total
     * @param cleanRunLength   judged windows per {@code none} run (each run has its own warm-up baseline)
     * @param eventsPerWindow  scores per window
     * @param mixNoise         std of the window-to-window traffic-mix factor on each window's location
     *                         (0.02 = 2% of the mean); 0 leaves only sampling noise between windows
     */
    public record Options(long seed, int runs, int windowsPerRun, int changeAfter, int cleanWindows,
                          int cleanRunLength, int eventsPerWindow, double mixNoise) {
        public Options {
            if (runs < 1 || windowsPerRun <= changeAfter || changeAfter < 0 || cleanWindows < 1
                    || cleanRunLength < 1 || eventsPerWindow < 2 || !(mixNoise >= 0 && mixNoise < 0.5)) {
                throw new IllegalArgumentException("need runs >= 1, windowsPerRun > changeAfter >= 0, "
                        + "cleanWindows >= 1, cleanRunLength >= 1, eventsPerWindow >= 2, 0 <= mixNoise < 0.5; got "
                        + this);
            }
        }
    }

    /** One line of the report; JSON keys as drift-eval documents them. */
    @JsonPropertyOrder({"scenario", "detector", "metric", "median_delay_windows", "p90_delay_windows",
            "false_alarms_per_10k_windows"})
    public record Row(@JsonProperty("scenario") String scenario,
                      @JsonProperty("detector") String detector,
                      @JsonProperty("metric") String metric,
                      @JsonProperty("median_delay_windows") Integer medianDelayWindows,
                      @JsonProperty("p90_delay_windows") Integer p90DelayWindows,
                      @JsonProperty("false_alarms_per_10k_windows") double falseAlarmsPer10kWindows) {
    }

    /** The shipped detector set, as deployed. */
    public static final String COMBINED = "combined";
    /**
     * The detector configurations drift-eval can evaluate, in report order: each shipped detector alone (the
     * enum's order), the shipped set, the naive rule.
     */
    public static final List<String> CONFIGURATIONS = Stream.of(
            Arrays.stream(DetectorKind.values()).filter(kind -> kind != DetectorKind.NAIVE_THRESHOLD)
                    .map(DetectorKind::wireName),
            Stream.of(COMBINED, DetectorKind.NAIVE_THRESHOLD.wireName())).flatMap(names -> names).toList();
    /** The metric name of the family-wise rows. */
    public static final String ANY_METRIC = "any";
    private static final String MODEL = "drift-eval";
    private static final long WINDOW_MILLIS = 60_000;
    private static final int NEVER = Integer.MAX_VALUE;

    private final DriftSettings settings;
    private final Map<String, DriftEngine> engines = new LinkedHashMap<>();

    /** Every detector configuration: each shipped detector alone, {@code combined}, {@code naive-threshold}. */
    public DriftEvaluation(DriftSettings settings) {
        this(settings, CONFIGURATIONS);
    }

    /**
     * @param configurations the detector configurations to evaluate, a subset of {@link #CONFIGURATIONS} (fewer
     *                       are faster: each runs its own drift engine on every window)
     */
    public DriftEvaluation(DriftSettings settings, List<String> configurations) {
        this.settings = settings;
        for (String name : configurations) {
            if (!CONFIGURATIONS.contains(name)) {
                throw new IllegalArgumentException("unknown detector configuration '" + name + "' (one of "
                        + String.join(", ", CONFIGURATIONS) + ")");
            }
        }
        for (String name : CONFIGURATIONS) {
            if (configurations.contains(name)) {
                engines.put(name, new DriftEngine(configured(settings, name)));
            }
        }
        if (engines.isEmpty()) {
            throw new IllegalArgumentException("no detector configuration to evaluate");
        }
    }

    private static DriftSettings configured(DriftSettings settings, String name) {
        if (name.equals(COMBINED)) {
            return settings;
        }
        DetectorKind kind = Arrays.stream(DetectorKind.values()).filter(k -> k.wireName().equals(name)).findFirst()
                .orElseThrow();
        // The naive rule alerts on the first window over its threshold (no k), and gets the same m so that
        // flapping does not inflate its episode count.
        return settings.withDetectors(Set.of(kind),
                kind == DetectorKind.NAIVE_THRESHOLD ? 1 : settings.fireAfterWindows());
    }

    public List<Row> run(Options options, ScoreSource source) {
        List<String> metrics = new ArrayList<>(source.metrics().stream().map(Metric::label).toList());
        metrics.add(ANY_METRIC);
        List<Row> rows = new ArrayList<>();
        for (Scenario scenario : source.scenarios()) {
            boolean none = scenario == Scenario.NONE;
            int runs = none ? (options.cleanWindows() + options.cleanRunLength() - 1) / options.cleanRunLength() : options.runs();
            int judged = none ? options.cleanRunLength() : options.windowsPerRun();
            int changeAt = none ? judged : options.changeAfter();
            Map<String, Map<String, Tally>> tallies = new LinkedHashMap<>();
            for (String detector : engines.keySet()) {
                Map<String, Tally> byMetric = new LinkedHashMap<>();
                metrics.forEach(metric -> byMetric.put(metric, new Tally(runs, metric)));
                tallies.put(detector, byMetric);
            }
            for (int run = 0; run < runs; run++) {
                replay(options, source, scenario, run, judged, changeAt, tallies);
            }
            tallies.forEach((detector, byMetric) -> byMetric.values()
                    .forEach(tally -> rows.add(tally.row(scenario, detector, none))));
        }
        return rows;
    }

    private void replay(Options options, ScoreSource source, Scenario scenario, int run, int judged, int changeAt,
                        Map<String, Map<String, Tally>> tallies) {
        // The generator's seed is two longs: the user's seed, and scenario and run packed into the other.
        long stream = ((long) scenario.ordinal() << 32) | run;
        ScoreSource.Windows scores = source.open(
                RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {options.seed(), stream}),
                options.eventsPerWindow(), options.mixNoise());
        DriftKey key = new DriftKey(MODEL, scenario.reportName(), "run" + run);
        Map<String, DriftState> states = new LinkedHashMap<>();
        engines.keySet().forEach(name -> states.put(name, DriftState.EMPTY));
        int warmup = settings.warmupWindows();
        for (int w = 0; w < warmup + judged; w++) {
            int judgedIndex = w - warmup;
            boolean changed = judgedIndex >= changeAt;
            WindowAccumulator window = WindowAccumulator.fromBytes(
                    scores.window("r" + run + "-w" + w, scenario, changed).toBytes());
            ClosedWindow closed = ClosedWindow.of(w * WINDOW_MILLIS, (w + 1) * WINDOW_MILLIS, window);
            for (Map.Entry<String, DriftEngine> engine : engines.entrySet()) {
                DriftStep step = engine.getValue().onWindowClosed(key, closed,
                        DriftState.fromBytes(states.get(engine.getKey()).toBytes()));
                states.put(engine.getKey(), step.state());
                if (judgedIndex >= 0) {
                    for (Tally tally : tallies.get(engine.getKey()).values()) {
                        tally.count(run, judgedIndex, changeAt, step.alerts());
                    }
                }
            }
        }
    }

    /** Delays and false alarms of one detector configuration and metric (or any) over the runs of one scenario. */
    private static final class Tally {
        private final int[] delays;
        private final String metric;
        private long cleanWindows;
        private long falseAlarms;

        Tally(int runs, String metric) {
            delays = new int[runs];
            Arrays.fill(delays, NEVER);
            this.metric = metric;
        }

        void count(int run, int judgedIndex, int changeAt, List<AlertDecision> alerts) {
            boolean clean = judgedIndex < changeAt;
            if (clean) {
                cleanWindows++;
            }
            boolean fired = alerts.stream().anyMatch(a -> a.state() == AlertState.FIRING
                    && (metric.equals(ANY_METRIC) || a.metric().equals(metric)));
            if (!fired) {
                return;
            }
            if (clean) {
                falseAlarms++;
            } else if (delays[run] == NEVER) {
                delays[run] = judgedIndex - changeAt + 1;
            }
        }

        Row row(Scenario scenario, String detector, boolean none) {
            int[] sorted = delays.clone();
            Arrays.sort(sorted);
            double rate = cleanWindows == 0 ? 0 : Math.round(falseAlarms * 10_000.0 / cleanWindows * 100) / 100.0;
            return new Row(scenario.reportName(), detector, metric, none ? null : nearestRank(sorted, 0.5),
                    none ? null : nearestRank(sorted, 0.9), rate);
        }

        private static Integer nearestRank(int[] sorted, double quantile) {
            int value = sorted[(int) Math.ceil(quantile * sorted.length) - 1];
            return value == NEVER ? null : value;
        }
    }
}
