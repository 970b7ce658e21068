package dev.perceptwatch.topology;

import dev.perceptwatch.config.Settings;
import java.time.Clock;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/** Builds the service's topology from its parts; a function, so that tests can build and drive it. */
final class PerceptWatchTopology {
    private PerceptWatchTopology() {
    }

    static Topology build(Settings settings, AvroSerdes serdes, EventScorer scorer, ScoringListener listener,
                          Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        ScoringStage.add(builder, settings.kafka().topics(), serdes, scorer,
                settings.processing().maxInFlightPerTask(), settings.processing().drainInterval(), clock, listener);
        return builder.build();
    }
}
