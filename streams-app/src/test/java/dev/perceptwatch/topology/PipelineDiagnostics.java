package dev.perceptwatch.topology;

import dev.perceptwatch.bench.CommittedReads;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What a stalled pipeline test needs to tell where events stopped: how far the application's group has
 * committed on the input, and whether an open transaction holds an output's last stable offset back.
 */
final class PipelineDiagnostics {
    private PipelineDiagnostics() {
    }

    static String describe(Admin admin, String applicationId, PipelineTopics topics) {
        StringBuilder text = new StringBuilder();
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get();
            for (String topic : List.of(topics.generations(), topics.scores(), topics.deadLetters())) {
                List<TopicPartition> partitions = partitionsOf(admin, topic);
                Map<TopicPartition, Long> stable = TopicOffsets.latest(admin, partitions, IsolationLevel.READ_COMMITTED);
                Map<TopicPartition, Long> end = TopicOffsets.latest(admin, partitions, IsolationLevel.READ_UNCOMMITTED);
                for (TopicPartition partition : partitions) {
                    OffsetAndMetadata group = committed.get(partition);
                    text.append(String.format("%n  %s: end %d, last stable %d, committed by %s: %s", partition,
                            end.get(partition), stable.get(partition), applicationId,
                            group == null ? "-" : Long.toString(group.offset())));
                }
            }
            admin.describeConsumerGroups(List.of(applicationId)).all().get().values().forEach(group -> {
                text.append(String.format("%n  group %s: %s", group.groupId(), group.groupState()));
                group.members().forEach(member -> text.append(String.format("%n    %s: %s", member.clientId(),
                        member.assignment().topicPartitions())));
            });
        } catch (Exception e) {
            text.append(String.format("%n  (diagnostics failed: %s)", e));
        }
        return text.toString();
    }

    /**
     * The input positions the scoring-pending store's changelog holds as committed: what a restart would score
     * again.
     */
    static String pendingInChangelog(String bootstrapServers, String applicationId) {
        String changelog = applicationId + "-" + ScoringStage.PENDING_STORE + "-changelog";
        Map<String, InputPosition> live = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = CommittedReads.fromBeginning(bootstrapServers,
                List.of(changelog))) {
            List<TopicPartition> partitions = List.copyOf(consumer.assignment());
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        live.remove(record.key());
                    } else {
                        live.put(record.key(), PendingMark.fromBytes(record.value()).position());
                    }
                }
            }
        } catch (RuntimeException e) {
            return "(cannot read " + changelog + ": " + e + ")";
        }
        return live.values().toString();
    }

    private static List<TopicPartition> partitionsOf(Admin admin, String topic) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }
}
