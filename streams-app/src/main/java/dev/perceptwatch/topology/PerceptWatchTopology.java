package dev.perceptwatch.topology;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import dev.perceptwatch.events.WindowStats;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;

/** Builds the service's topology from its parts; a function, so that tests can build and drive it. */
public final class PerceptWatchTopology {
    private PerceptWatchTopology() {
    }

    /** Observability never stops a stream thread: both listeners are called through {@code errors}' guard. */
    public static Topology build(Settings settings, AvroSerdes serdes, EventScorer scorer, ScoringListener scoringListener,
                          DriftListener driftListener, InternalErrors errors, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        Topics topics = settings.kafka().topics();
        KStream<String, SpecificRecord> results = ScoringStage.add(builder, topics, serdes,
                new ScoringStage.Scoring(scorer, settings.processing(), clock,
                        ScoringListener.guarded(scoringListener, errors), errors));
        KStream<String, WindowStats> windows = WindowStage.add(builder, results, topics, serdes, settings.windows());
        DriftStage.add(builder, windows, topics, serdes, settings.drift(), DriftListener.guarded(driftListener, errors));
        return builder.build();
    }
}
