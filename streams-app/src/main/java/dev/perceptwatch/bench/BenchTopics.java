package dev.perceptwatch.bench;

import dev.perceptwatch.config.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * A benchmark run's own topics: those of {@code ops/topics.txt} (partitions and configs as listed there) with a
 * run suffix, so that reruns and shared clusters never mix records, and the generations topic with the
 * partitions asked for.
 */
final class BenchTopics {
    private BenchTopics() {
    }

    /** Creates the topics (replication factor 1: a benchmark cluster) and returns their names. */
    static Topics create(Admin admin, Path topicsFile, String suffix, int generationsPartitions)
            throws InterruptedException {
        Topics base = Topics.defaults();
        List<NewTopic> topics = new ArrayList<>();
        for (NewTopic listed : read(topicsFile)) {
            int partitions = listed.name().equals(base.generations()) ? generationsPartitions : listed.numPartitions();
            topics.add(new NewTopic(listed.name() + suffix, partitions, (short) 1).configs(listed.configs()));
        }
        List<String> created = topics.stream().map(NewTopic::name).toList();
        Topics named = new Topics(base.generations() + suffix, base.references() + suffix, base.scores() + suffix,
                base.deadLetters() + suffix, base.windowStats() + suffix, base.alerts() + suffix);
        for (String needed : List.of(named.generations(), named.references(), named.scores(), named.deadLetters())) {
            if (!created.contains(needed)) {
                throw new IllegalArgumentException(topicsFile + " does not list the topic "
                        + needed.substring(0, needed.length() - suffix.length()));
            }
        }
        try {
            admin.createTopics(topics).all().get();
            awaitLeaders(admin, created);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the benchmark topics " + created + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
        return named;
    }

    /**
     * Waits until every partition's leader serves it: an idempotent producer that writes to a partition the
     * broker is still creating gets NOT_LEADER_OR_FOLLOWER, and its retries could then stall on an out-of-order
     * sequence until the record expired (PipelineBenchCommandTest, after other runs on the same broker). A
     * leader in the metadata is not enough; listing a partition's end offset goes to its leader's log.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                // Inside the retry too: right after the creation the broker may not know the topics yet
                // (UNKNOWN_TOPIC_OR_PARTITION, which failed PipelineBenchCommandTest on the test broker).
                Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                admin.describeTopics(topics).allTopicNames().get().values().forEach(topic -> topic.partitions()
                        .forEach(partition -> ends.put(new TopicPartition(topic.name(), partition.partition()),
                                OffsetSpec.latest())));
                admin.listOffsets(ends).all().get();
                return;
            } catch (ExecutionException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the benchmark topics " + topics + " are not served after 30 s: "
                            + notYet.getCause().getMessage(), notYet.getCause());
                }
                Thread.sleep(100);
            }
        }
    }

    /** Lines of {@code name partitions configs} (configs: comma-separated key=value, or -); # starts a comment. */
    static List<NewTopic> read(Path file) {
        try {
            return parse(file, Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the topic list " + file, e);
        }
    }

    private static List<NewTopic> parse(Path file, List<String> lines) {
        List<NewTopic> topics = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] columns = line.split("\\s+");
            if (columns.length != 3 || !columns[1].matches("[1-9][0-9]*")
                    || !columns[2].matches("-|[^=,]+=[^=,]*(,[^=,]+=[^=,]*)*")) {
                throw new IllegalArgumentException(file + ":" + (i + 1)
                        + ": expected 'name partitions key=value,...|-', got '" + line + "'");
            }
            Map<String, String> configs = columns[2].equals("-") ? Map.of() : Arrays.stream(columns[2].split(","))
                    .map(pair -> pair.split("=", 2))
                    .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
            topics.add(new NewTopic(columns[0], Integer.parseInt(columns[1]), (short) 1).configs(configs));
        }
        return topics;
    }
}
