package dev.perceptwatch.topology;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** The topics of one test's pipeline, with names no other test uses. */
record PipelineTopics(String generations, String references, String scores, String deadLetters,
                      String windowStats, String alerts) {

    /**
     * Generations and scores have 3 partitions, so that both stream threads get tasks; the others 1, as in
     * ops/topics.txt, so the topology must cope with topics of different partition counts.
     */
    static PipelineTopics create(Admin admin, String testName) throws InterruptedException, ExecutionException {
        return create(admin, testName, 3);
    }

    /** As {@link #create(Admin, String)}, with {@code partitions} partitions for generations and scores. */
    static PipelineTopics create(Admin admin, String testName, int partitions)
            throws InterruptedException, ExecutionException {
        String suffix = testName + "-" + UUID.randomUUID().toString().substring(0, 8);
        PipelineTopics topics = new PipelineTopics("generations-" + suffix, "references-" + suffix,
                "scores-" + suffix, "dead-letters-" + suffix, "window-stats-" + suffix, "alerts-" + suffix);
        admin.createTopics(List.of(
                new NewTopic(topics.generations(), partitions, (short) 1),
                new NewTopic(topics.references(), 1, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                new NewTopic(topics.scores(), partitions, (short) 1),
                new NewTopic(topics.deadLetters(), 1, (short) 1),
                new NewTopic(topics.windowStats(), 1, (short) 1),
                new NewTopic(topics.alerts(), 1, (short) 1))).all().get();
        return topics;
    }
}
