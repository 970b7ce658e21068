package dev.perceptwatch.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import java.net.InetAddress;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka Streams settings the service derives, and which of them a {@code kafka.*} property may change. */
class StreamsPropertiesTest {

    private static Properties properties(Map<String, String> clientProperties, int maxInFlightPerTask) {
        return PerceptWatchService.streamsProperties(new Settings.Kafka("app", clientProperties,
                "http://registry", false, Topics.defaults()), maxInFlightPerTask);
    }

    @Test
    void buffersTwiceTheInFlightBoundPerPartitionUnlessConfigured() {
        assertEquals(16, properties(Map.of(), 8).get(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG));
        assertEquals(6, properties(Map.of(), 3).get(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG));
        assertEquals("100", properties(Map.of(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, "100"), 8)
                .get(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG));
    }

    @Test
    void exactlyOnceCannotBeConfiguredAway() {
        Properties properties = properties(Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once",
                StreamsConfig.POLL_MS_CONFIG, "50"), 8);
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, properties.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals("app", properties.get(StreamsConfig.APPLICATION_ID_CONFIG));
        assertEquals("50", properties.get(StreamsConfig.POLL_MS_CONFIG), "other kafka.* properties override defaults");
    }

    /**
     * Issue 23, 5: a restarted instance waited for its killed predecessor's session (45 s by default) before it
     * scored again. Each instance is now a static member under an id of its own (docs/BENCHMARKS.md, fail-over).
     */
    @Test
    void eachInstanceIsAStaticMemberUnderAnIdOfItsOwn() throws Exception {
        Properties first = properties(Map.of(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/perceptwatch/a"), 8);
        Properties again = properties(Map.of(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/perceptwatch/a"), 8);
        Properties second = properties(Map.of(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/perceptwatch/b"), 8);
        Object id = first.get(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG);
        assertTrue(id.toString().startsWith(InetAddress.getLocalHost().getHostName() + "-"), id.toString());
        assertEquals(id, again.get(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG), "the same after a restart");
        assertNotEquals(id, second.get(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG),
                "instances on one host have their own state dirs (Kafka Streams locks one), hence their own ids");
        assertNotNull(properties(Map.of(), 8).get(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG),
                "Kafka Streams' default state dir too");
        assertEquals(StaticMembership.SESSION_TIMEOUT_MS, first.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
    }

    @Test
    void anInstanceIdOrSessionTimeoutGivenIsKeptAndTheStreamsProtocolHasNone() {
        Properties given = properties(Map.of(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG, "scorer-3",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000"), 8);
        assertEquals("scorer-3", given.get(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG));
        assertEquals("6000", given.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
        assertFalse(properties(Map.of(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG, ""), 8)
                .containsKey(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG), "empty: dynamic membership");
        assertFalse(properties(Map.of(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams"), 8)
                .containsKey(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG), "KIP-1071's protocol refuses static ids");
    }
}
