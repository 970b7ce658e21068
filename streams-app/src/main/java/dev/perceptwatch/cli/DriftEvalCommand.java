package dev.perceptwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.drift.eval.DriftEvaluation;
import dev.perceptwatch.drift.eval.ReplayScores;
import dev.perceptwatch.drift.eval.ScoreSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Measures drift detection quality on streams with known change points (docs/DETECTION.md). */
@Command(name = "drift-eval", mixinStandardHelpOptions = true,
        description = {"Replay score streams with known changes through the drift detectors and report detection "
                + "delay and false alarms per 10,000 windows, per metric and for any metric, as JSON.",
                "Synthetic scores by default; with --healthy, windows resampled from real scores."})
final class DriftEvalCommand implements Callable<Integer> {

    @Option(names = "--seed", defaultValue = "1", description = "Random seed; same seed, same report.")
    long seed;

    @Option(names = "--runs", defaultValue = "200", description = "Runs per change scenario.")
    int runs;

    @Option(names = "--windows-per-run", defaultValue = "50",
            description = "Judged windows (after warm-up) per change-scenario run.")
    int windowsPerRun;

    @Option(names = "--change-after", defaultValue = "20",
            description = "Clean judged windows before the change in each change-scenario run.")
    int changeAfter;

    @Option(names = "--clean-windows", defaultValue = "50000",
            description = "Judged windows of the no-change scenario, in total.")
    int cleanWindows;

    @Option(names = "--clean-run-length", defaultValue = "250",
            description = "Judged windows per no-change run (each run warms up its own baseline).")
    int cleanRunLength;

    @Option(names = "--events-per-window", defaultValue = "200", description = "Scores per window.")
    int eventsPerWindow;

    @Option(names = "--mix-noise", defaultValue = "0.02",
            description = "Window-to-window traffic-mix noise: std of the factor on each window's location "
                    + "(0.02 = 2%%); 0 = windows differ by sampling only.")
    double mixNoise;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file whose drift.* settings are evaluated (as for run; PERCEPTWATCH_DRIFT_*"
                    + " environment variables override them). Default: the shipped defaults.")
    Path config;

    @Option(names = "--healthy", paramLabel = "FILE.jsonl",
            description = "Replay these real scores (JSON lines of score --format jsonl or tail scores --format "
                    + "jsonl) instead of the synthetic generator.")
    Path healthy;

    @Option(names = "--changed", paramLabel = "FILE.jsonl",
            description = "With --healthy: scores of a changed model; adds the changed-10/25/50/100%% scenarios.")
    Path changed;

    @Option(names = "--group-by", paramLabel = "FIELD",
            description = "With --healthy: the field of each line that groups records (e.g. reference, "
                    + "model_version, attributes.KEY); each window is drawn from --groups-per-window random groups.")
    String groupBy;

    @Option(names = "--groups-per-window", paramLabel = "N",
            description = "With --group-by: how many groups each window's healthy records come from.")
    Integer groupsPerWindow;

    @Option(names = "--detectors", split = ",", paramLabel = "NAME",
            defaultValue = "effect-size,two-window,cusum,p90-shift,mean-square,combined,naive-threshold",
            description = "Detector configurations to evaluate (default all: each detector alone, combined = the "
                    + "shipped set, naive-threshold); fewer run faster.")
    List<String> detectors;

    @Option(names = "--out", required = true, description = "JSON report to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        if (changed != null && healthy == null) {
            throw new IllegalArgumentException("--changed needs --healthy: the changed stream replaces part of it");
        }
        if ((groupBy == null) != (groupsPerWindow == null) || (groupBy != null && healthy == null)) {
            throw new IllegalArgumentException("--group-by and --groups-per-window go together, with --healthy");
        }
        ScoreSource source = ScoreSource.synthetic();
        if (healthy != null) {
            ReplayScores replay = new ReplayScores(ReplayScores.read(healthy),
                    changed == null ? List.of() : ReplayScores.read(changed));
            source = groupBy == null ? replay
                    : replay.groupedBy(ReplayScores.groups(healthy, groupBy), groupsPerWindow);
        }
        List<DriftEvaluation.Row> rows = new DriftEvaluation(
                Settings.loadDrift(config, System.getenv()).detection(), detectors).run(
                new DriftEvaluation.Options(seed, runs, windowsPerRun, changeAfter, cleanWindows, cleanRunLength,
                        eventsPerWindow, mixNoise), source);
        ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        json.writeValue(out.toFile(), rows);
        System.out.println("| scenario | detector | metric | median delay | p90 delay | false alarms / 10k windows |");
        System.out.println("|---|---|---|---|---|---|");
        for (DriftEvaluation.Row row : rows) {
            System.out.printf("| %s | %s | %s | %s | %s | %s |%n", row.scenario(), row.detector(), row.metric(),
                    orNever(row.medianDelayWindows()), orNever(row.p90DelayWindows()),
                    row.falseAlarmsPer10kWindows());
        }
        System.err.printf("drift-eval: wrote %s in %.1f s%n", out, (System.nanoTime() - started) / 1e9);
        return 0;
    }

    private static String orNever(Integer delay) {
        return delay == null ? "-" : delay.toString();
    }
}
