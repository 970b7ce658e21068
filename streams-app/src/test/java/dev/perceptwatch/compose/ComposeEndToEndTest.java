package dev.perceptwatch.compose;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.perceptwatch.config.Topics;
import dev.perceptwatch.testing.SharedFiles;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The whole docker-compose stack with the demo producer: the service becomes ready, exports its metrics and
 * publishes scores. Needs a Docker engine with Compose v2 and the models in the shared folder; reported as
 * skipped where no engine runs (the local-process tests cover the same behaviour). Uses the compose file's
 * fixed host ports (9400, 29092, ...), which must be free.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeEndToEndTest {

    private static final Duration STARTUP = Duration.ofMinutes(10);
    private static final Duration SCORES_WAIT = Duration.ofMinutes(3);

    // Built from files alone (no compose image), the container runs the local `docker compose` (Compose v2).
    @Container
    private final ComposeContainer compose = new ComposeContainer(ComposeFiles.COMPOSE_FILE.toFile())
            .withBuild(true)
            .withPull(false) // the app's image is built, not pulled
            .withOptions("--profile=demo")
            .withEnv("PERCEPTWATCH_MODELS", SharedFiles.modelsDir().toAbsolutePath().toString())
            .waitingFor("app", Wait.forHealthcheck().withStartupTimeout(STARTUP));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String host = DockerClientFactory.instance().dockerHostIpAddress();

    @Test
    void stackBecomesReadyExportsMetricsAndPublishesScores() throws Exception {
        awaitReady(URI.create("http://" + host + ":9400/ready"), Instant.now().plus(STARTUP));

        String metrics = get(URI.create("http://" + host + ":9400/metrics")).body();
        assertTrue(Pattern.compile("(?m)^perceptwatch_ready 1(\\.0)?$").matcher(metrics).find(),
                "/ready answered 200 but perceptwatch_ready is not 1");
        assertTrue(metrics.contains("perceptwatch_events_consumed_total"), "no perceptwatch_ metrics in /metrics");

        long scores = countRecords(Topics.defaults().scores(), Instant.now().plus(SCORES_WAIT));
        assertTrue(scores > 0, "no record on " + Topics.defaults().scores() + " within " + SCORES_WAIT
                + " of the demo producer starting");
    }

    private void awaitReady(URI ready, Instant deadline) throws InterruptedException {
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> response = get(ready);
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (ConnectException e) {
                last = e.toString();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(2_000);
        }
        fail(ready + " not ready within " + STARTUP + "; last answer: " + last);
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Records on {@code topic} from the beginning, read as bytes from the host listener, once any appear. */
    private long countRecords(String topic, Instant deadline) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, host + ":29092",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long count = 0;
            while (count == 0 && Instant.now().isBefore(deadline)) {
                count += consumer.poll(Duration.ofSeconds(1)).count();
            }
            return count;
        }
    }
}
