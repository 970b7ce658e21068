package dev.perceptwatch.topology;

import dev.perceptwatch.client.AvroSerde;
import dev.perceptwatch.client.RegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Makes the value serde of an event type (in production: the schema registry serde, configured). */
@FunctionalInterface
public interface AvroSerdes {
    <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type);

    /** Schema registry serdes sharing {@code registry} (and its cache of schemas and ids). */
    static AvroSerdes over(RegistryClient registry, boolean autoRegisterSchemas) {
        Map<String, Object> config = Map.of(AvroSerde.AUTO_REGISTER_SCHEMAS, autoRegisterSchemas);
        return new AvroSerdes() {
            @Override
            public <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type) {
                AvroSerde<T> serde = new AvroSerde<>(type, registry);
                serde.configure(config, false);
                return serde;
            }
        };
    }
}
