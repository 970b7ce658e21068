package dev.perceptwatch.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perceptwatch.observability.MonitoringFiles.Query;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** What Grafana provisioning and Prometheus expect of the committed dashboard and alert rules. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringFilesTest {

    private static final String PROVISIONED_UID = "perceptwatch-prometheus";
    private static final Pattern HARD_CODED_TARGET =
            Pattern.compile("instance\\s*=|localhost|127\\.0\\.0\\.1|:9400|\\bapp:");

    /** Series names of a real scrape after every ServiceMetrics method ran, plus Prometheus's own up. */
    private Set<String> exported;

    @BeforeAll
    void scrapeEverything(@TempDir Path stateDir) throws Exception {
        try (ExercisedMetrics fixture = ExercisedMetrics.start(stateDir, true)) {
            exported = new TreeSet<>(ExercisedMetrics.seriesNames(fixture.scrape()));
        }
        exported.add("up");
    }

    @Test
    void dashboardHasSchemaVersionAndUniquePanelIdsIncludingNestedOnes() {
        JsonNode dashboard = MonitoringFiles.dashboard();
        assertTrue(dashboard.path("schemaVersion").isInt(), "schemaVersion missing");
        assertFalse(dashboard.path("uid").asText().isBlank(), "a fixed dashboard uid keeps links stable");
        List<JsonNode> panels = MonitoringFiles.panels(dashboard);
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels) {
            assertTrue(panel.path("id").isInt(), "panel without id: " + panel.path("title"));
            assertTrue(ids.add(panel.path("id").asInt()), "duplicate panel id " + panel.path("id"));
        }
        assertTrue(panels.stream().anyMatch(p -> !p.path("panels").isEmpty()),
                "the scorer row is collapsed, so some panels are nested: this test must see them");
    }

    @Test
    void everyPanelAndQueryUsesTheDatasourceVariableOrTheProvisionedUid() {
        for (JsonNode panel : MonitoringFiles.panels(MonitoringFiles.dashboard())) {
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            assertDatasource(panel.path("datasource"), "panel " + panel.path("id"));
            panel.path("targets").forEach(t -> assertDatasource(t.path("datasource"), "target of panel " + panel.path("id")));
        }
    }

    @Test
    void templateVariablesModelAndVersionComeFromExportedLabels() {
        JsonNode variables = MonitoringFiles.dashboard().path("templating").path("list");
        for (String name : List.of("model", "version")) {
            JsonNode variable = findVariable(variables, name);
            assertEquals("query", variable.path("type").asText(), name);
            assertDatasource(variable.path("datasource"), "variable " + name);
            String query = variable.path("query").path("query").asText();
            assertTrue(query.startsWith("label_values("), name + ": " + query);
            String selector = query.substring("label_values(".length(), query.lastIndexOf(','));
            assertExported(new Query("variable " + name, selector));
        }
        assertEquals("datasource", findVariable(variables, "datasource").path("type").asText());
    }

    @Test
    void driftAlertsAndTheDriftTableLinkToTheConsolePageOfTheirModelVersionAndMetric() throws Exception {
        // The address comes from the service's own info metric, so console.external-url is set in one place.
        JsonNode console = findVariable(MonitoringFiles.dashboard().path("templating").path("list"), "console");
        String query = console.path("query").path("query").asText();
        assertEquals("label_values(perceptwatch_console_info, url)", query);
        assertExported(new Query("variable console", "perceptwatch_console_info"));
        JsonNode table = MonitoringFiles.panels(MonitoringFiles.dashboard()).stream()
                .filter(panel -> panel.path("title").asText().startsWith("Current drift states")).findFirst().orElseThrow();
        assertEquals("${console}/models/${__data.fields.model_id:percentencode}/${__data.fields.model_version:percentencode}"
                        + "/${__data.fields.metric:percentencode}",
                table.path("fieldConfig").path("defaults").path("links").path(0).path("url").asText());
        for (JsonNode rule : MonitoringFiles.rules(MonitoringFiles.alertRules())) {
            if (rule.path("alert").asText().equals("PerceptWatchQualityDrift")) {
                String link = rule.path("annotations").path("console_url").asText();
                assertTrue(link.contains("query \"perceptwatch_console_info\"")
                        && link.endsWith("/models/{{ $labels.model_id | urlquery }}/{{ $labels.model_version | urlquery }}"
                                + "/{{ $labels.metric | urlquery }}"), link);
            }
        }
        // The runbook's first step for a drift page is that link.
        String runbook = Files.readString(MonitoringFiles.RUNBOOK);
        String drift = runbook.substring(runbook.indexOf("## PerceptWatchQualityDrift"));
        String firstStep = drift.substring(drift.indexOf("**Check**")).lines().skip(1).findFirst().orElseThrow();
        assertTrue(firstStep.contains("open the console page") && drift.contains("`console_url` annotation"), firstStep);
    }

    @Test
    void dashboardExpressionsUseOnlyExportedMetricsAndNoHardCodedTarget() {
        List<Query> queries = MonitoringFiles.panelQueries(MonitoringFiles.dashboard());
        assertTrue(queries.size() > 10, "the dashboard has " + queries.size() + " queries");
        for (Query query : queries) {
            assertFalse(HARD_CODED_TARGET.matcher(query.expr()).find(), query + " names an instance or host");
            assertExported(query);
            MonitoringFiles.substitute(query.expr());
        }
    }

    @Test
    void alertRulesAreCompleteAndUseOnlyExportedMetrics() throws Exception {
        String runbook = Files.readString(MonitoringFiles.RUNBOOK);
        Set<String> anchors = runbook.lines().filter(line -> line.startsWith("#"))
                .map(MonitoringFilesTest::githubAnchor).collect(Collectors.toSet());
        String promtoolTests = Files.readString(MonitoringFiles.ALERT_TESTS);
        List<JsonNode> rules = MonitoringFiles.rules(MonitoringFiles.alertRules());
        assertTrue(rules.size() >= 5, "rules: " + rules.size());
        for (JsonNode rule : rules) {
            String name = rule.path("alert").asText();
            assertFalse(name.isBlank(), "every rule here is an alert: " + rule);
            assertTrue(rule.path("for").isTextual(), name + " has no for:");
            assertTrue(Set.of("warning", "critical").contains(rule.path("labels").path("severity").asText()),
                    name + " severity");
            for (String annotation : List.of("summary", "description", "runbook_url")) {
                assertFalse(rule.path("annotations").path(annotation).asText().isBlank(), name + " " + annotation);
            }
            String runbookUrl = rule.path("annotations").path("runbook_url").asText();
            assertTrue(runbookUrl.startsWith("ops/runbook.md#"), name + ": " + runbookUrl);
            assertTrue(anchors.contains(runbookUrl.substring(runbookUrl.indexOf('#') + 1)),
                    name + ": no heading in ops/runbook.md for " + runbookUrl);
            assertTrue(promtoolTests.contains("alertname: " + name), name + " has no promtool test");
            assertFalse(HARD_CODED_TARGET.matcher(rule.path("expr").asText()).find(), name + " names an instance");
        }
        MonitoringFiles.ruleQueries(MonitoringFiles.alertRules()).forEach(this::assertExported);
    }

    @Test
    void rulesSharingAnAlertNameDifferOnlyInExpressionSeverityAndForWithTheSameAnnotations() {
        Map<String, List<JsonNode>> byName = MonitoringFiles.rules(MonitoringFiles.alertRules()).stream()
                .collect(Collectors.groupingBy(rule -> rule.path("alert").asText()));
        assertEquals(2, byName.get("PerceptWatchQualityDrift").size(), "a warning and a critical drift rule");
        byName.forEach((name, rules) -> {
            assertEquals(rules.size(), rules.stream().map(r -> r.path("labels").path("severity").asText())
                    .distinct().count(), name + ": one rule per severity");
            rules.forEach(rule -> assertEquals(rules.get(0).path("annotations"), rule.path("annotations"),
                    name + ": every severity pages with the same annotations"));
        });
    }

    @Test
    void metricNameExtractionSkipsFunctionsLabelsAndVariables() {
        // Guards the helper the checks above rely on.
        assertEquals(Set.of("a_total", "b_bucket"), MonitoringFiles.metricNames(
                "sum by (le, topic) (rate(a_total{x=\"y z\"}[$__rate_interval])) / on (instance) "
                        + "histogram_quantile(0.99, b_bucket offset 5m) > $k and vector(0)"));
    }

    private void assertExported(Query query) {
        Set<String> names = MonitoringFiles.metricNames(query.expr());
        assertFalse(names.isEmpty(), query + " selects no metric");
        List<String> unknown = new ArrayList<>(names);
        unknown.removeAll(exported);
        assertTrue(unknown.isEmpty(), query + " uses " + unknown + ", which ServiceMetrics does not export");
    }

    private static void assertDatasource(JsonNode datasource, String where) {
        String uid = datasource.path("uid").asText();
        assertTrue(uid.equals("${datasource}") || uid.equals(PROVISIONED_UID), where + " datasource " + datasource);
    }

    private static JsonNode findVariable(JsonNode variables, String name) {
        for (JsonNode variable : variables) {
            if (name.equals(variable.path("name").asText())) {
                return variable;
            }
        }
        throw new AssertionError("no template variable " + name);
    }

    /** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
    private static String githubAnchor(String heading) {
        return heading.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }
}
