package dev.perceptwatch.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.perceptwatch.testing.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The committed monitoring files (dashboard, alert rules) and the PromQL they contain. */
final class MonitoringFiles {

    static final Path ROOT = RepoFiles.root();
    static final Path DASHBOARD = ROOT.resolve("grafana/dashboards/perceptwatch.json");
    static final Path ALERT_RULES = ROOT.resolve("ops/prometheus/rules/perceptwatch-alerts.yml");
    static final Path ALERT_TESTS = ROOT.resolve("ops/prometheus/rules/perceptwatch-alerts.test.yml");
    static final Path RUNBOOK = ROOT.resolve("ops/runbook.md");

    /** Values for the dashboard's template variables when its queries are sent to a real Prometheus. */
    static final Map<String, String> TEMPLATE_VALUES = Map.of(
            "model", ExercisedMetrics.MODEL,
            "version", ExercisedMetrics.VERSION,
            "k", "3",
            "__rate_interval", "1m",
            "__interval", "15s");

    private static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");
    private static final Set<String> PROMQL_KEYWORDS = Set.of("and", "or", "unless", "bool", "offset");

    private MonitoringFiles() {
    }

    /** One query with where it came from, for assertion messages. */
    record Query(String origin, String expr) {
    }

    static JsonNode dashboard() {
        return read(new ObjectMapper(), DASHBOARD);
    }

    static JsonNode alertRules() {
        return read(new ObjectMapper(new YAMLFactory()), ALERT_RULES);
    }

    /** Every panel, including the ones nested in collapsed rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    static List<Query> panelQueries(JsonNode dashboard) {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query("panel " + panel.path("id") + " '" + panel.path("title").asText() + "' "
                        + target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        return queries;
    }

    static List<JsonNode> rules(JsonNode alertRules) {
        List<JsonNode> rules = new ArrayList<>();
        alertRules.path("groups").forEach(group -> group.path("rules").forEach(rules::add));
        return rules;
    }

    static List<Query> ruleQueries(JsonNode alertRules) {
        return rules(alertRules).stream()
                .map(rule -> new Query("rule " + rule.path("alert").asText(), rule.path("expr").asText()))
                .toList();
    }

    /** The expression with Grafana's template variables replaced; an unknown variable is an error. */
    static String substitute(String expr) {
        return substitute(expr, TEMPLATE_VALUES);
    }

    static String substitute(String expr, Map<String, String> values) {
        Matcher m = TEMPLATE_VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no test value for template variable $" + m.group(1) + " in " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    /**
     * The metric names a PromQL expression selects: identifiers left after removing strings, label
     * matchers, ranges, grouping clauses and template variables, that are neither function calls nor
     * operators.
     */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\{?\\w+}?", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(bare);
        while (m.find()) {
            if (m.group(2) == null && !PROMQL_KEYWORDS.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }
}
