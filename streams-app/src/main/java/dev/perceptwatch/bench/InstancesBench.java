package dev.perceptwatch.bench;

import dev.perceptwatch.commandline.UserFixableException;
import dev.perceptwatch.config.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * {@code bench pipeline --instances N}: N service processes of one application id on one broker drain a backlog
 * loaded once every one of them consumes its share of the partitions and has scored a warm-up event; the figures
 * are total and per-instance pairs/s between 20% and 90% of the backlog
 * (each instance's own count, from its /metrics), after every instance has scored and before the tail, where
 * instances run out of work at different times. With {@code --kill}, the fail-over follows: events are paced
 * while instance 1 is killed with SIGKILL, and the time from the kill until its partitions are scored again by
 * another instance is measured, beside the changelog a new owner restores the moved tasks from.
 */
final class InstancesBench {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STALL = Duration.ofSeconds(120);
    private static final double MEASURED_FROM = 0.2;
    private static final double MEASURED_TO = 0.9;
    /**
     * The instances' counts are sampled this often; a measured span shorter than {@link #MIN_MEASURED} (20 samples)
     * is a sampling artefact, not a rate (a 60-event backlog at 64x64 drained between two samples 250 ms apart).
     */
    private static final Duration SAMPLE = Duration.ofMillis(50);
    private static final Duration MIN_MEASURED = Duration.ofSeconds(1);
    private static final Duration BEFORE_KILL = Duration.ofSeconds(15);
    private static final Duration AFTER_RECOVERY = Duration.ofSeconds(5);
    private static final Duration MAX_FAILOVER = Duration.ofMinutes(5);
    /**
     * What the killed instance committed is readable within a commit interval (100 ms under exactly-once) and a
     * poll of the kill; a score read later is the new owner's. A new owner needs a session timeout at least.
     */
    private static final long VICTIM_OUTPUT_MILLIS = 1000;

    private final ServiceInstances instances;
    private final BenchProducer producer;
    private final ScoreCollector collector;
    private final Topics topics;
    private final int partitions;
    private final PrintWriter out;

    InstancesBench(ServiceInstances instances, BenchProducer producer, ScoreCollector collector, Topics topics,
                   int partitions, PrintWriter out) {
        this.instances = instances;
        this.producer = producer;
        this.collector = collector;
        this.topics = topics;
        this.partitions = partitions;
        this.out = out;
    }

    /**
     * Starts the instances, loads the backlog once the group has settled and measures their drain; the figures
     * go into {@code figures}.
     */
    void throughput(int count, int events, Map<String, Object> figures) throws Exception {
        List<ServiceInstances.Instance> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(instances.start());
        }
        for (ServiceInstances.Instance instance : started) {
            instances.awaitReady(instance, START_TIMEOUT);
        }
        // A backlog loaded earlier is drained by the first instance to get the partitions while the others are
        // still joining, and one that scores its first pair (model session, JIT) while the others drain is left
        // out of the measured span: warm every instance first.
        awaitBalanced(started);
        long before = warmUp(started);
        List<String> backlog = producer.send(events, 0);
        long[] from = awaitScored(started, before + (long) Math.ceil(MEASURED_FROM * events), true);
        long fromNanos = System.nanoTime();
        long[] to = awaitScored(started, before + (long) Math.floor(MEASURED_TO * events), false);
        double seconds = (System.nanoTime() - fromNanos) / 1e9;
        collector.await(backlog, STALL);
        if (seconds < MIN_MEASURED.toMillis() / 1000.0) {
            throw new UserFixableException(String.format(Locale.ROOT, "the instances scored %.0f%% to %.0f%% of the"
                    + " %d-event backlog in %.2f s, too short to measure (at least %d s): raise --events",
                    100 * MEASURED_FROM, 100 * MEASURED_TO, events, seconds, MIN_MEASURED.toSeconds()));
        }
        List<Double> perInstance = new ArrayList<>();
        long measured = 0;
        for (int i = 0; i < started.size(); i++) {
            perInstance.add(Figures.round((to[i] - from[i]) / seconds));
            measured += to[i] - from[i];
        }
        double total = measured / seconds;
        figures.put("instances", count);
        figures.put("cpus", started.stream().map(ServiceInstances.Instance::cpu).toList());
        figures.put("pairs_per_second", Figures.round(total));
        figures.put("per_instance_pairs_per_second", perInstance);
        figures.put("measured_events", measured);
        figures.put("measured_seconds", Figures.round(seconds));
        out.printf(Locale.ROOT, "%d instance(s) on CPUs %s drained %d events; between %.0f%% and %.0f%% of them: "
                        + "%.1f pairs/s in all, per instance %s%n", count, figures.get("cpus"), events,
                100 * MEASURED_FROM, 100 * MEASURED_TO, total, perInstance);
        out.flush();
    }

    /**
     * Sends events a partition's worth at a time until every instance has scored one, and waits for them all;
     * returns how many the instances have scored then.
     */
    private long warmUp(List<ServiceInstances.Instance> started) throws Exception {
        List<String> sent = new ArrayList<>();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            sent.addAll(producer.send(partitions, 0));
            Thread.sleep(500);
            boolean all = true;
            for (ServiceInstances.Instance instance : started) {
                all &= instances.scored(instance) > 0;
            }
            if (all) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("not every instance scored a warm-up event within " + START_TIMEOUT);
            }
        }
        collector.await(sent, STALL);
        long scored = 0;
        for (ServiceInstances.Instance instance : started) {
            scored += instances.scored(instance);
        }
        return scored;
    }

    /** Waits until every instance consumes some of the generations partitions, and each partition one instance. */
    private void awaitBalanced(List<ServiceInstances.Instance> started) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            List<Set<Integer>> owned = new ArrayList<>();
            for (ServiceInstances.Instance instance : started) {
                owned.add(instances.partitions(instance, topics.generations()));
            }
            Set<Integer> union = new TreeSet<>();
            owned.forEach(union::addAll);
            boolean balanced = owned.stream().noneMatch(Set::isEmpty) && union.size() == partitions
                    && owned.stream().mapToInt(Set::size).sum() == partitions;
            if (balanced) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the instances' partitions of " + topics.generations() + " did not settle"
                        + " within " + START_TIMEOUT + ": " + owned);
            }
            Thread.sleep(250);
        }
    }

    /**
     * Polls the instances' counts until they add up to {@code target} (and, when {@code everyOne}, each has scored);
     * returns each one's count then.
     */
    private long[] awaitScored(List<ServiceInstances.Instance> started, long target, boolean everyOne)
            throws Exception {
        long lastProgress = System.nanoTime();
        long lastSum = -1;
        while (true) {
            long[] counts = new long[started.size()];
            long sum = 0;
            boolean all = true;
            for (int i = 0; i < counts.length; i++) {
                counts[i] = instances.scored(started.get(i));
                sum += counts[i];
                all &= counts[i] > 0;
            }
            if (sum >= target && (all || !everyOne)) {
                return counts;
            }
            if (sum != lastSum) {
                lastSum = sum;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new TimeoutException("the instances scored " + sum + " events, no progress for "
                        + STALL.toSeconds() + " s (waiting for " + target + (everyOne ? ", each instance one" : "")
                        + ")");
            }
            Thread.sleep(SAMPLE.toMillis());
        }
    }

    /**
     * Paces events at {@code rate}, kills instance 1 after {@link #BEFORE_KILL}, and measures how long its
     * partitions go without a score: until the first score of one of their events read after the killed
     * instance's last output. The pacing goes on for {@link #AFTER_RECOVERY} after that.
     */
    void failover(double rate, Admin admin, String applicationId, Map<String, Object> figures) throws Exception {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("the fail-over needs a rate > 0 events/s, got " + rate);
        }
        ServiceInstances.Instance victim = instances.all().get(0);
        int perSecond = (int) Math.max(1, Math.round(rate));
        List<String> ids = new ArrayList<>();
        long startedAt = System.currentTimeMillis();
        long killedAt = -1;
        Set<Integer> moved = Set.of();
        Map<String, Long> changelogs = Map.of();
        long firstAgain = Long.MAX_VALUE;
        while (firstAgain == Long.MAX_VALUE || System.currentTimeMillis() - firstAgain < AFTER_RECOVERY.toMillis()) {
            ids.addAll(producer.send(perSecond, rate));
            long now = System.currentTimeMillis();
            if (killedAt < 0 && now - startedAt >= BEFORE_KILL.toMillis()) {
                moved = instances.partitions(victim, topics.generations());
                if (moved.isEmpty()) {
                    throw new IllegalStateException("instance 1 consumes no partition of " + topics.generations());
                }
                changelogs = changelogOffsets(admin, applicationId);
                killedAt = System.currentTimeMillis();
                instances.kill(victim);
            } else if (killedAt > 0) {
                firstAgain = firstScoreAgain(ids, moved, killedAt, collector::arrival);
                if (firstAgain == Long.MAX_VALUE && now - killedAt > MAX_FAILOVER.toMillis()) {
                    throw new TimeoutException("the killed instance's partitions " + moved + " were not scored again"
                            + " within " + MAX_FAILOVER);
                }
            }
        }
        Map<String, ScoreCollector.Arrival> arrivals = collector.await(ids, STALL);
        firstAgain = firstScoreAgain(ids, moved, killedAt, arrivals::get);
        long worstLatency = 0;
        for (String id : ids) {
            if (moved.contains(partitionOf(id))) {
                worstLatency = Math.max(worstLatency, arrivals.get(id).latencyMillis());
            }
        }
        double failover = (firstAgain - killedAt) / 1000.0;
        figures.put("failover_rate", Figures.round(rate));
        figures.put("moved_partitions", moved);
        figures.put("changelog_offsets", changelogs);
        figures.put("failover_seconds", Figures.round(failover));
        figures.put("failover_worst_latency_ms", worstLatency);
        out.printf(Locale.ROOT, "fail-over at %.1f events/s: instance 1 (partitions %s of %s) killed; another instance"
                        + " scored them again after %.1f s; worst latency of their events %.1f s; changelog offsets %s%n",
                rate, moved, topics.generations(), failover, worstLatency / 1000.0, changelogs);
        out.flush();
    }

    /** When the first score of an event of {@code moved} was read after the killed instance's own output. */
    private long firstScoreAgain(List<String> ids, Set<Integer> moved, long killedAt,
                                 Function<String, ScoreCollector.Arrival> arrivals) {
        long first = Long.MAX_VALUE;
        for (String id : ids) {
            ScoreCollector.Arrival arrival = arrivals.apply(id);
            if (arrival != null && arrival.readAtMillis() > killedAt + VICTIM_OUTPUT_MILLIS
                    && moved.contains(partitionOf(id))) {
                first = Math.min(first, arrival.readAtMillis());
            }
        }
        return first;
    }

    /** The generations partition of an event: BenchProducer keys it by its id, partitioned by the default. */
    private int partitionOf(String eventId) {
        return Utils.toPositive(Utils.murmur2(eventId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * Offsets in each changelog of the application (records and transaction markers): what a new owner of all
     * the tasks would read through to restore their stores.
     */
    private static Map<String, Long> changelogOffsets(Admin admin, String applicationId) throws Exception {
        List<String> changelogs = admin.listTopics().names().get().stream()
                .filter(name -> name.startsWith(applicationId + "-") && name.endsWith("-changelog")).toList();
        Map<TopicPartition, OffsetSpec> earliest = new LinkedHashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        admin.describeTopics(changelogs).allTopicNames().get().forEach((name, description) ->
                description.partitions().forEach(p -> {
                    earliest.put(new TopicPartition(name, p.partition()), OffsetSpec.earliest());
                    latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest());
                }));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(earliest).all().get();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
        Map<String, Long> offsets = new TreeMap<>();
        ends.forEach((partition, end) -> offsets.merge(
                partition.topic().substring(applicationId.length() + 1).replace("-changelog", ""),
                end.offset() - starts.get(partition).offset(), Long::sum));
        return offsets;
    }
}
