package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import java.util.Map;
import java.util.Properties;
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
}
