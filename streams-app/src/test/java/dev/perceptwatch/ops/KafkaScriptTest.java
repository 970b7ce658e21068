package dev.perceptwatch.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.perceptwatch.testing.KafkaTestClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ops/kafka.sh runs a real broker process: start, topics, a record in and out, restart on the same data, stop. */
class KafkaScriptTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path state;

    @AfterEach
    void stopWhateverIsLeft() throws Exception {
        kafkaSh("stop"); // a no-op when a test already stopped it; leaves no broker behind when a test failed
    }

    @Test
    void startsCreatesTopicsKeepsDataAcrossRestartAndStopsCleanly() throws Exception {
        String bootstrap = kafkaSh("start").lastLine();
        assertEquals(bootstrap, Files.readString(state.resolve("bootstrap")).strip());
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        int controllerPort = controllerPort();

        kafkaSh("create-topics", "--partitions", "2");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            // Names and configs as listed in ops/topics.txt.
            TopicDescription generations = admin.describeTopics(List.of("perceptwatch.generations"))
                    .allTopicNames().get().get("perceptwatch.generations");
            assertEquals(2, generations.partitions().size());
            ConfigResource references = new ConfigResource(ConfigResource.Type.TOPIC, "perceptwatch.references");
            Config referencesConfig = admin.describeConfigs(List.of(references)).all().get().get(references);
            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, referencesConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        }

        String topic = "perceptwatch.generations";
        try (KafkaProducer<String, String> producer = KafkaTestClients.producer(bootstrap, Map.of())) {
            producer.send(new ProducerRecord<>(topic, "event-1", "survives a restart")).get();
        }
        assertEquals(List.of("survives a restart"), values(bootstrap, topic));

        long pid = Long.parseLong(Files.readString(state.resolve("pid")).strip());
        kafkaSh("stop");
        assertStopped(pid, port, controllerPort);

        String restarted = kafkaSh("start", "--port", String.valueOf(port)).lastLine();
        assertEquals(bootstrap, restarted);
        assertEquals(List.of("survives a restart"), values(restarted, topic));

        long restartedPid = Long.parseLong(Files.readString(state.resolve("pid")).strip());
        kafkaSh("stop");
        assertStopped(restartedPid, port, controllerPort);
        assertEquals(3, KafkaScript.run(state, "status").exitCode(), "status of a stopped broker");
    }

    private static List<String> values(String bootstrap, String topic) {
        return KafkaTestClients.readFromBeginning(bootstrap, topic, 1, READ_TIMEOUT, Map.of())
                .stream().map(ConsumerRecord::value).toList();
    }

    private int controllerPort() throws IOException {
        String listeners = Files.readAllLines(state.resolve("server.properties")).stream()
                .filter(line -> line.startsWith("listeners=")).findFirst().orElseThrow();
        String controller = listeners.substring(listeners.indexOf("CONTROLLER://"));
        return Integer.parseInt(controller.substring(controller.lastIndexOf(':') + 1).split(",")[0]);
    }

    private static void assertStopped(long pid, int... ports) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        assertFalse(process.isPresent() && process.get().isAlive(), "broker process " + pid + " still running");
        for (int port : ports) {
            assertFalse(accepts(port), "port " + port + " still accepts connections");
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** Runs ops/kafka.sh COMMAND --dir STATE ARGS; fails with its output unless it exits 0. */
    private KafkaScript kafkaSh(String command, String... args) throws Exception {
        KafkaScript result = KafkaScript.run(state, command, args);
        assertEquals(0, result.exitCode(), () -> "ops/kafka.sh " + command + " failed:\n" + result.output());
        return result;
    }
}
