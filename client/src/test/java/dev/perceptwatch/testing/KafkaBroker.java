package dev.perceptwatch.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, broker and controller combined) running inside the test JVM, with the
 * settings of ops/kafka/broker.properties. One per test JVM: started by the first test that asks for it,
 * shared by every test after it, shut down when the JVM's tests are done.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBroker.Extension.class)
 * class SomeTest {
 *     @Test
 *     void something(KafkaBroker kafka) throws Exception {
 *         String topic = kafka.uniqueTopicName("scores");
 *         kafka.createTopics(3, topic);
 *         ... kafka.bootstrapServers() ...
 *     }
 * }
 * }</pre>
 *
 * Tests share the broker, so each uses its own topics ({@link #uniqueTopicName}) and consumer groups.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);

    private final KafkaClusterTestKit cluster;
    private final Admin admin;

    private KafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    static KafkaBroker start() throws Exception {
        long started = System.nanoTime();
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        brokerSettings().forEach((key, value) -> builder.setConfigProp((String) key, value));
        KafkaClusterTestKit cluster = builder.build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        LOG.info("in-process Kafka broker ready at {} in {} ms", cluster.bootstrapServers(),
                (System.nanoTime() - started) / 1_000_000);
        return new KafkaBroker(cluster);
    }

    /** The settings the process broker uses too, so that tests and the local run behave alike. */
    private static Properties brokerSettings() throws IOException {
        Properties settings = new Properties();
        try (Reader reader = Files.newBufferedReader(RepoFiles.resolve("ops/kafka/broker.properties"))) {
            settings.load(reader);
        }
        return settings;
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** An admin client for the broker; owned by this broker, do not close it. */
    public Admin admin() {
        return admin;
    }

    /** Creates the topics, each with the given number of partitions and replication factor 1. */
    public void createTopics(int partitions, String... names) throws InterruptedException, ExecutionException {
        createTopics(Arrays.stream(names).map(name -> new NewTopic(name, partitions, (short) 1)).toArray(NewTopic[]::new));
    }

    /** Creates the topics and waits until the broker has them. */
    public void createTopics(NewTopic... topics) throws InterruptedException, ExecutionException {
        admin.createTopics(List.of(topics)).all().get();
    }

    /** A topic name no other test uses: {@code base} followed by a random suffix. */
    public String uniqueTopicName(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void close() throws Exception {
        try (cluster) {
            admin.close();
        }
    }

    /** Resolves {@link KafkaBroker} parameters to the JVM's one broker. */
    public static final class Extension extends OncePerRun<KafkaBroker> {

        public Extension() {
            super(KafkaBroker.class, KafkaBroker.class);
        }

        @Override
        protected KafkaBroker start() {
            try {
                return KafkaBroker.start();
            } catch (Exception e) {
                throw new IllegalStateException("could not start the in-process Kafka broker", e);
            }
        }
    }
}
