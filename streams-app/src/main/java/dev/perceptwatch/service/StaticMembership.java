package dev.perceptwatch.service;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Fast fail-over by default: static group membership (KIP-345) and a session timeout chosen for it.
 *
 * <p>With dynamic membership, an instance restarted after a crash joins as a new member and the group waits for
 * the dead one's session to expire (45 s by default) before it finishes the rebalance: nothing is scored
 * meanwhile. A static member rejoins under its {@code group.instance.id} and gets its partitions back at once,
 * without a rebalance. An instance that does not come back loses its partitions to the others after the session
 * timeout: 15 s rather than 45 s, long enough for a restart (about 10 s here, docs/BENCHMARKS.md) to come back
 * without any rebalance, short enough that a lost instance is replaced quickly.
 *
 * <p>The default id is the host name and a digest of the state directory: stable across restarts of one
 * instance, and distinct for instances on one host, since Kafka Streams refuses to start two instances on one
 * state directory. Two instances sharing an id would fence each other. {@code kafka.group.instance.id} sets it
 * (Kafka Streams adds each stream thread's index), empty for dynamic membership; with
 * {@code kafka.group.protocol=streams}, which has no static membership, none is set.
 */
final class StaticMembership {
    static final int SESSION_TIMEOUT_MS = 15_000;

    private StaticMembership() {
    }

    /**
     * Adds the defaults to Kafka Streams {@code properties} that hold the {@code kafka.*} settings already; an
     * empty {@code group.instance.id} given there asks for dynamic membership.
     */
    static void addDefaults(Properties properties, Supplier<String> hostName) {
        // Unprefixed, as a kafka.session.timeout.ms setting would be: a prefixed default would override that.
        properties.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        Object given = properties.get(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG);
        Object protocol = properties.get(StreamsConfig.GROUP_PROTOCOL_CONFIG);
        if (given != null && given.toString().isBlank()) {
            properties.remove(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG);
        } else if (given == null && (protocol == null || "classic".equalsIgnoreCase(protocol.toString()))) {
            Object stateDir = properties.get(StreamsConfig.STATE_DIR_CONFIG);
            properties.put(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG, defaultInstanceId(hostName.get(),
                    stateDir != null ? Path.of(stateDir.toString())
                            : Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams")));
        }
    }

    static String defaultInstanceId(String hostName, Path stateDir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    stateDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return hostName + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
