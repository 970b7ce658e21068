import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics listed in ops/topics.txt in one JVM (a TopicCommand per topic costs seconds each).
 * Run by `ops/kafka.sh create-topics` as a single-file source program:
 * {@code java -cp <broker classpath> CreateTopics.java TOPICS_FILE BOOTSTRAP [PARTITIONS]}.
 * Existing topics are left as they are and reported with their actual partition count.
 */
public class CreateTopics {

    record Topic(String name, int partitions, Map<String, String> configs) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            throw new IllegalArgumentException("usage: CreateTopics TOPICS_FILE BOOTSTRAP [PARTITIONS]");
        }
        Path file = Path.of(args[0]);
        Optional<Integer> partitions = args.length == 3 ? Optional.of(Integer.parseInt(args[2])) : Optional.empty();
        List<Topic> topics = read(file);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]))) {
            for (Topic topic : topics) {
                NewTopic wanted = new NewTopic(topic.name(), partitions.orElse(topic.partitions()), (short) 1)
                        .configs(topic.configs());
                try {
                    admin.createTopics(List.of(wanted)).all().get();
                    System.out.printf("created %s partitions=%d configs=%s%n",
                            topic.name(), wanted.numPartitions(), topic.configs());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("creating topic " + topic.name() + " failed", e.getCause());
                    }
                    int actual = admin.describeTopics(List.of(topic.name())).allTopicNames().get()
                            .get(topic.name()).partitions().size();
                    System.out.printf("exists  %s partitions=%d%s%n", topic.name(), actual,
                            actual == wanted.numPartitions() ? "" : " (not " + wanted.numPartitions() + ": left as it is)");
                }
            }
        }
    }

    /** Lines of "name partitions configs", configs being comma-separated key=value or "-"; # starts a comment. */
    static List<Topic> read(Path file) throws IOException {
        List<Topic> topics = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] columns = line.split("\\s+");
            String where = file + ":" + (i + 1);
            if (columns.length != 3) {
                throw new IllegalArgumentException(where + ": expected 'name partitions configs', got '" + line + "'");
            }
            Map<String, String> configs = new LinkedHashMap<>();
            if (!columns[2].equals("-")) {
                for (String pair : columns[2].split(",")) {
                    String[] keyValue = pair.split("=", 2);
                    if (keyValue.length != 2) {
                        throw new IllegalArgumentException(where + ": config '" + pair + "' is not key=value");
                    }
                    configs.put(keyValue[0], keyValue[1]);
                }
            }
            topics.add(new Topic(columns[0], Integer.parseInt(columns[1]), configs));
        }
        return topics;
    }
}
