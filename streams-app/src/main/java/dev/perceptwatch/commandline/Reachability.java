package dev.perceptwatch.commandline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether the broker and the schema registry a tool is about to use answer at all, checked first, so that a
 * wrong address or a server that is not running fails at once with its address and the fix, instead of a
 * timeout deep inside a producer or consumer minutes later.
 */
public final class Reachability {
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(5);

    private Reachability() {
    }

    /** Fails unless a Kafka broker at {@code bootstrap} describes its cluster within 10 s. */
    public static void requireBroker(String bootstrap, Map<String, String> kafkaProperties, String fix) {
        Map<String, Object> config = new HashMap<>(kafkaProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        int millis = (int) BROKER_TIMEOUT.toMillis();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).clusterId()
                    .get(millis + 2000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new UserFixableException("the Kafka broker at " + bootstrap + " did not answer within "
                    + BROKER_TIMEOUT.toSeconds() + " s (" + Failures.describe(e.getCause() == null ? e : e.getCause())
                    + "): is it running? " + fix, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserFixableException("interrupted while connecting to the Kafka broker at " + bootstrap, e);
        }
    }

    /** Fails unless the Confluent-compatible registry at {@code url} lists its subjects within 5 s. */
    public static void requireRegistry(String url, String fix) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        URI subjects;
        try {
            subjects = URI.create(base + "/subjects");
        } catch (IllegalArgumentException e) {
            throw new UserFixableException("the schema registry URL " + url + " is not a URL: " + e.getMessage() + "; "
                    + fix, e);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(REGISTRY_TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(subjects).timeout(REGISTRY_TIMEOUT).GET().build();
        String problem;
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                return;
            }
            problem = "GET " + subjects + " answered HTTP " + status + ": is it the registry's Confluent API base?";
        } catch (IOException e) {
            problem = "no answer from " + subjects + " within " + REGISTRY_TIMEOUT.toSeconds() + " s ("
                    + Failures.describe(e) + "): is it running?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserFixableException("interrupted while connecting to the schema registry at " + url, e);
        } catch (IllegalArgumentException e) {
            problem = "cannot connect to " + subjects + " (" + e.getMessage() + ")";
        }
        throw new UserFixableException("the schema registry at " + url + " is not reachable: " + problem + " " + fix);
    }
}
