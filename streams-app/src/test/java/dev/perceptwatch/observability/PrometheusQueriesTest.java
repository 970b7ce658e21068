package dev.perceptwatch.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perceptwatch.events.AlertState;
import dev.perceptwatch.events.Severity;
import dev.perceptwatch.observability.MonitoringFiles.Query;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends every dashboard panel query and every alert rule expression to a real Prometheus that scrapes a
 * ServiceMetrics endpoint, and loads the committed rule file into it.
 *
 * <p>The synthetic feed makes every alert condition true at once (events consumed and dead-lettered
 * but none scored, lag high and growing, drift state 2 and 1, the client not RUNNING, plus a second target
 * on a closed port for up == 0), so every rule expression must return data, except the one on the absence
 * of any target, which must return none. The rule file is loaded unchanged: its {@code for:} durations
 * (2 minutes and more) are too long for a unit test, so the rules are checked to become <em>pending</em>,
 * and the drift rules to go back to inactive when the state resolves; the firing transition after
 * {@code for:} is promtool's unit tests' job.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusQueriesTest {

    private static final Duration DATA_TIMEOUT = Duration.ofSeconds(60);
    private static final String DRIFT = "PerceptWatchQualityDrift";

    private ExercisedMetrics fixture;
    private PrometheusProcess prometheus;
    private ScheduledExecutorService feeder;
    private Instant fixtureStarted;

    @BeforeAll
    void start(@TempDir Path workDir) throws Exception {
        PrometheusProcess.requireInstalled();
        fixture = ExercisedMetrics.start(workDir.resolve("streams"), true);
        fixtureStarted = Instant.now();
        AtomicInteger lag = new AtomicInteger(2_000);
        feeder = Executors.newSingleThreadScheduledExecutor();
        feeder.scheduleAtFixedRate(() -> {
            fixture.metrics.eventConsumed();
            fixture.metrics.eventConsumed();
            fixture.metrics.deadLetter("UNDECODABLE_IMAGE");
            fixture.metrics.scoringBatch(3, Duration.ofMillis(40));
            fixture.metrics.scorePublished(Instant.now().minusMillis(900), Instant.now());
            fixture.recordInputLag(lag.addAndGet(100));
            fixture.recordCommit(12.0);
        }, 0, 200, TimeUnit.MILLISECONDS);
        String config = PrometheusProcess.config(MonitoringFiles.ALERT_RULES, """
                static_configs:
                  - targets: ["127.0.0.1:%d", "127.0.0.1:%d"]
                """.formatted(fixture.server.port(), PrometheusProcess.freePort()));
        prometheus = PrometheusProcess.start(workDir, config);
    }

    @AfterAll
    void stop() {
        if (feeder != null) {
            feeder.shutdownNow();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void everyDashboardQueryParsesAndReturnsData() throws Exception {
        assertAllReturnData(MonitoringFiles.panelQueries(MonitoringFiles.dashboard()));
    }

    @Test
    void everyAlertRuleExpressionParsesAndReturnsData() throws Exception {
        assertAllReturnData(MonitoringFiles.ruleQueries(MonitoringFiles.alertRules()).stream()
                .filter(query -> !isAbsence(query.expr())).toList());
    }

    /**
     * A rule on a series' absence returns nothing while the service is scraped; with the job name changed
     * to one that has no target, it must return its alert.
     */
    @Test
    void absenceRulesAreQuietWhileTargetsAreScrapedAndFireWithoutThem() throws Exception {
        List<Query> absence = MonitoringFiles.ruleQueries(MonitoringFiles.alertRules()).stream()
                .filter(query -> isAbsence(query.expr())).toList();
        assertEquals(1, absence.size(), "PerceptWatchTargetsMissing: " + absence);
        awaitNonEmpty(() -> prometheus.query("up{job=\"perceptwatch\"}"));
        for (Query query : absence) {
            JsonNode scraped = prometheus.query(query.expr());
            assertEquals("success", scraped.path("status").asText(), query + " -> " + scraped);
            assertEquals(0, scraped.path("data").path("result").size(), query + " while scraped: " + scraped);
            String noTarget = query.expr().replace("job=\"perceptwatch\"", "job=\"perceptwatch-unscraped\"");
            assertNotEquals(query.expr(), noTarget, query + " selects job=\"perceptwatch\"");
            JsonNode missing = prometheus.query(noTarget);
            assertEquals(1, missing.path("data").path("result").size(), noTarget + " -> " + missing);
        }
    }

    private static boolean isAbsence(String expr) {
        return expr.strip().startsWith("absent(");
    }

    @Test
    void templateVariableQueriesFindTheModelAndVersion() throws Exception {
        JsonNode models = awaitNonEmpty(() -> prometheus.api("/api/v1/label/model_id/values",
                "match[]", "perceptwatch_window_mean"));
        assertTrue(contains(models.path("data"), ExercisedMetrics.MODEL), models.toString());
        JsonNode versions = prometheus.api("/api/v1/label/model_version/values",
                "match[]", "perceptwatch_window_mean{model_id=~\"" + ExercisedMetrics.MODEL + "\"}");
        assertTrue(contains(versions.path("data"), ExercisedMetrics.VERSION), versions.toString());
    }

    @Test
    void loadedRulesBecomePendingAndDriftGoesBackToInactiveWhenResolved() throws Exception {
        int ruleCount = MonitoringFiles.rules(MonitoringFiles.alertRules()).size();
        // Every rule but the absence one (the targets are scraped: PerceptWatchTargetsMissing stays inactive).
        Map<String, JsonNode> rules = awaitRules(r -> r.size() == ruleCount
                && r.values().stream().allMatch(rule -> isAbsence(rule.path("query").asText())
                        == "inactive".equals(rule.path("state").asText())));
        rules.values().forEach(rule -> assertEquals("ok", rule.path("health").asText(), rule.toString()));
        // The fixture's lpips drift fired as CRITICAL (state 2), its ssim drift as WARNING (state 1).
        for (List<String> expected : List.of(List.of("lpips", "critical"), List.of("ssim", "warning"))) {
            JsonNode drift = rules.get(DRIFT + "/" + expected.get(1));
            assertEquals(1, drift.path("alerts").size(), expected + ": " + drift);
            JsonNode driftLabels = drift.path("alerts").get(0).path("labels");
            assertEquals(List.of(ExercisedMetrics.MODEL, ExercisedMetrics.VERSION, expected.get(0), expected.get(1)),
                    List.of(driftLabels.path("model_id").asText(), driftLabels.path("model_version").asText(),
                            driftLabels.path("metric").asText(), driftLabels.path("severity").asText()));
            if (Duration.between(fixtureStarted, Instant.now()).compareTo(Duration.ofSeconds(100)) < 0) {
                // Only while for: 2m surely has not elapsed: the class's earlier tests may take longer on a busy
                // machine, and the firing transition is promtool's tests' job anyway.
                assertEquals("pending", drift.path("state").asText(), "for: 2m has not elapsed yet");
            }
        }

        fixture.metrics.driftAlert(ExercisedMetrics.alert(AlertState.RESOLVED));
        fixture.metrics.driftAlert(ExercisedMetrics.alert(AlertState.RESOLVED, "ssim", Severity.WARNING));
        awaitRules(r -> "inactive".equals(r.get(DRIFT + "/critical").path("state").asText())
                && "inactive".equals(r.get(DRIFT + "/warning").path("state").asText()));
    }

    private void assertAllReturnData(List<Query> queries) throws Exception {
        for (Query query : queries) {
            String promql = MonitoringFiles.substitute(query.expr());
            JsonNode answer = awaitNonEmpty(() -> prometheus.query(promql));
            assertEquals("success", answer.path("status").asText(), query + " -> " + answer);
            assertTrue(answer.path("data").path("result").size() > 0, query + " returned no data: " + answer);
        }
    }

    private interface Call {
        JsonNode get() throws Exception;
    }

    /** Polls until the answer is an error or holds data (scrapes and rate windows need a few seconds). */
    private JsonNode awaitNonEmpty(Call call) throws Exception {
        Instant deadline = Instant.now().plus(DATA_TIMEOUT);
        JsonNode answer = call.get();
        while (isEmptySuccess(answer) && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            answer = call.get();
        }
        return answer;
    }

    private static boolean isEmptySuccess(JsonNode answer) {
        JsonNode data = answer.path("data");
        return "success".equals(answer.path("status").asText())
                && (data.isArray() ? data.isEmpty() : data.path("result").isEmpty());
    }

    private Map<String, JsonNode> awaitRules(Predicate<Map<String, JsonNode>> done)
            throws Exception {
        Instant deadline = Instant.now().plus(DATA_TIMEOUT);
        Map<String, JsonNode> rules = rulesByName();
        while (!done.test(rules)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("rules never reached the expected state: " + rules
                        + "\nprometheus log:\n" + prometheus.log());
            }
            Thread.sleep(500);
            rules = rulesByName();
        }
        return rules;
    }

    private Map<String, JsonNode> rulesByName() throws Exception {
        Map<String, JsonNode> rules = new HashMap<>();
        for (JsonNode group : prometheus.api("/api/v1/rules").path("data").path("groups")) {
            // One alert name may have a rule per severity (PerceptWatchQualityDrift).
            group.path("rules").forEach(rule -> rules.put(
                    rule.path("name").asText() + "/" + rule.path("labels").path("severity").asText(), rule));
        }
        return rules;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode element : array) {
            if (value.equals(element.asText())) {
                return true;
            }
        }
        return false;
    }
}
