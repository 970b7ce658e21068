package dev.perceptwatch.drift.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perceptwatch.aggregation.WindowAccumulator;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.scoring.Metric;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.IntStream;

/**
 * Windows resampled from recorded real scores: the JSON lines of {@code perceptwatch score --format jsonl} or
 * {@code perceptwatch tail scores --format jsonl}. A window draws whole records with replacement, so the six
 * metrics of a pair stay together and their real correlation is kept.
 *
 * <p>On top, one traffic-mix factor {@code f = 1 + N(0, mix noise)} per window (times the mean factor of a
 * {@code mean+x%} scenario) scales every metric's badness alike: distances (LPIPS, feature distance, MSE)
 * {@code * f}, similarities' distance to a perfect score {@code (1 - SSIM) * f}, and PSNR {@code - 10 log10 f}
 * (what MSE {@code * f} does to it). In a {@code changed-x%} scenario, round(x% of the window) of its events are
 * drawn from the changed stream instead.
 */
public final class ReplayScores implements ScoreSource {

    private final List<QualityScore> healthy;
    private final List<QualityScore> changed;
    private final List<Metric> metrics;
    /** The healthy records' indices per group, in first-seen order; one group of all records when ungrouped. */
    private final List<int[]> groups;
    private final int groupsPerWindow;

    /** @param changed the changed stream's records; empty for a replay without the changed-x% scenarios */
    public ReplayScores(List<QualityScore> healthy, List<QualityScore> changed) {
        if (healthy.isEmpty()) {
            throw new IllegalArgumentException("the healthy stream has no records");
        }
        this.healthy = List.copyOf(healthy);
        this.changed = List.copyOf(changed);
        this.metrics = Arrays.stream(Metric.values())
                .filter(m -> healthy.stream().anyMatch(s -> m.valueIn(s) != null)).toList();
        this.groups = List.of(IntStream.range(0, healthy.size()).toArray());
        this.groupsPerWindow = 1;
    }

    private ReplayScores(ReplayScores ungrouped, List<int[]> groups, int groupsPerWindow) {
        this.healthy = ungrouped.healthy;
        this.changed = ungrouped.changed;
        this.metrics = ungrouped.metrics;
        this.groups = List.copyOf(groups);
        this.groupsPerWindow = groupsPerWindow;
    }

    /**
     * The same replay, each window drawn only from the healthy records of {@code groupsPerWindow} groups picked at
     * random for it (e.g. by reference or by a prompt attribute): traffic whose mix of groups changes from window
     * to window, as real traffic's does. The changed share of a {@code changed-x%} window is still drawn from the
     * whole changed stream.
     *
     * @param healthyGroups the group of each healthy record, in the records' order ({@link #groups})
     */
    public ReplayScores groupedBy(List<String> healthyGroups, int groupsPerWindow) {
        if (healthyGroups.size() != healthy.size()) {
            throw new IllegalArgumentException(healthyGroups.size() + " groups for " + healthy.size() + " records");
        }
        Map<String, List<Integer>> members = new LinkedHashMap<>();
        for (int i = 0; i < healthyGroups.size(); i++) {
            members.computeIfAbsent(healthyGroups.get(i), g -> new ArrayList<>()).add(i);
        }
        if (groupsPerWindow < 1 || groupsPerWindow > members.size()) {
            throw new IllegalArgumentException("--groups-per-window must be 1 to " + members.size()
                    + " (the healthy stream's groups), got " + groupsPerWindow);
        }
        return new ReplayScores(this, members.values().stream()
                .map(list -> list.stream().mapToInt(Integer::intValue).toArray()).toList(), groupsPerWindow);
    }

    @Override
    public List<Scenario> scenarios() {
        List<Scenario> scenarios = new ArrayList<>(List.of(Scenario.MEAN_5, Scenario.MEAN_10, Scenario.MEAN_25));
        if (!changed.isEmpty()) {
            scenarios.addAll(List.of(Scenario.CHANGED_10, Scenario.CHANGED_25, Scenario.CHANGED_50,
                    Scenario.CHANGED_100));
        }
        scenarios.add(Scenario.NONE);
        return scenarios;
    }

    @Override
    public List<Metric> metrics() {
        return metrics;
    }

    @Override
    public Windows open(UniformRandomProvider rng, int eventsPerWindow, double mixNoise) {
        ContinuousSampler gaussian = ZigguratSampler.NormalizedGaussian.of(rng);
        return (windowId, scenario, isChanged) -> {
            Scenario effective = isChanged ? scenario : Scenario.NONE;
            double factor = (1 + mixNoise * gaussian.sample()) * effective.meanFactor();
            long fromChanged = Math.round(effective.changedFraction() * eventsPerWindow);
            int[] drawn = groups.size() == 1 ? groups.get(0) : pickGroups(rng);
            WindowAccumulator window = new WindowAccumulator();
            for (int i = 0; i < eventsPerWindow; i++) {
                QualityScore record = i < fromChanged ? changed.get(rng.nextInt(changed.size()))
                        : healthy.get(drawn[rng.nextInt(drawn.length)]);
                window.add(scaled(record, windowId + "-e" + i, factor));
            }
            return window;
        };
    }

    /** The healthy record indices of groupsPerWindow distinct groups drawn at random (partial Fisher-Yates). */
    private int[] pickGroups(UniformRandomProvider rng) {
        int[] order = IntStream.range(0, groups.size()).toArray();
        int total = 0;
        for (int k = 0; k < groupsPerWindow; k++) {
            int pick = k + rng.nextInt(order.length - k);
            int swap = order[k];
            order[k] = order[pick];
            order[pick] = swap;
            total += groups.get(order[k]).length;
        }
        int[] drawn = new int[total];
        int at = 0;
        for (int k = 0; k < groupsPerWindow; k++) {
            int[] members = groups.get(order[k]);
            System.arraycopy(members, 0, drawn, at, members.length);
            at += members.length;
        }
        return drawn;
    }

    private static QualityScore scaled(QualityScore record, String eventId, double factor) {
        Map<Metric, Double> values = new EnumMap<>(Metric.class);
        for (Metric metric : Metric.values()) {
            Double value = metric.valueIn(record);
            values.put(metric, value == null ? null : switch (metric) {
                case LPIPS, FEATURE_DISTANCE, MSE -> value * factor;
                case SSIM, MS_SSIM -> 1 - (1 - value) * factor;
                case PSNR -> value - 10 * Math.log10(factor);
            });
        }
        return replayScore(eventId, values, record.getWidth(), record.getHeight());
    }

    /** A score as the window stage reads it: the metric values and size; the rest is a fixed replay identity. */
    private static QualityScore replayScore(String eventId, Map<Metric, Double> values, int width, int height) {
        return QualityScore.newBuilder().setEventId(eventId).setModelId("replay").setModelVersion("v1")
                .setProducedAt(Instant.EPOCH).setScoredAt(Instant.EPOCH)
                .setLpips(values.get(Metric.LPIPS)).setFeatureDistance(values.get(Metric.FEATURE_DISTANCE))
                .setMse(values.get(Metric.MSE)).setPsnr(values.get(Metric.PSNR)).setSsim(values.get(Metric.SSIM))
                .setMsSsim(values.get(Metric.MS_SSIM)).setWidth(width).setHeight(height)
                .setScorerModel("replay").setScorerSha256("replay").build();
    }

    /**
     * The records of a JSON-lines file (blank lines skipped). Each line is an object with the metric fields
     * (number, null or absent; PSNR may be the string {@code "Infinity"}), at least one of them a number.
     *
     * @throws IllegalArgumentException naming the file and line of the first bad line, or an empty file
     */
    public static List<QualityScore> read(Path file) throws IOException {
        return readEach(file, ReplayScores::parse);
    }

    /**
     * The group of each record of a JSON-lines file, in the order of {@link #read}: the value of {@code field} (a
     * top-level field such as {@code reference} or {@code model_version}, or {@code attributes.KEY}) as text.
     *
     * @throws IllegalArgumentException naming the file and line of the first line without it
     */
    public static List<String> groups(Path file, String field) throws IOException {
        return readEach(file, (node, where) -> group(node, field, where));
    }

    private static <T> List<T> readEach(Path file, BiFunction<JsonNode, String, T> parser) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<T> records = new ArrayList<>();
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    String where = file + ":" + number + ": ";
                    records.add(parser.apply(object(json, line, where), where));
                }
            }
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException(file + ": no score records; write them with "
                    + "perceptwatch score --format jsonl or perceptwatch tail scores --format jsonl");
        }
        return records;
    }

    private static JsonNode object(ObjectMapper json, String line, String where) {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + "not JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + "not a JSON object");
        }
        return node;
    }

    private static String group(JsonNode node, String field, String where) {
        JsonNode value = field.startsWith("attributes.")
                ? node.path("attributes").path(field.substring("attributes.".length())) : node.path(field);
        if (!value.isValueNode() || value.isNull()) {
            throw new IllegalArgumentException(where + "no " + field + " to group by");
        }
        return value.asText();
    }

    private static QualityScore parse(JsonNode node, String where) {
        Map<Metric, Double> values = new EnumMap<>(Metric.class);
        for (Metric metric : Metric.values()) {
            values.put(metric, number(node.get(metric.label()), where + metric.label()));
        }
        if (values.values().stream().allMatch(v -> v == null)) {
            throw new IllegalArgumentException(where + "no metric value (lpips, feature_distance, mse, psnr, ssim,"
                    + " ms_ssim)");
        }
        return replayScore("replay", values, size(node.get("width")), size(node.get("height")));
    }

    private static Double number(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual() && (value.asText().equals("Infinity") || value.asText().equals("-Infinity"))) {
            return value.asText().startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        throw new IllegalArgumentException(field + " is " + value + ", not a number");
    }

    private static int size(JsonNode value) {
        return value != null && value.canConvertToInt() ? value.intValue() : 0;
    }
}
