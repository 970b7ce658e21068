package dev.perceptwatch.topology;

import dev.perceptwatch.config.Topics;
import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.observability.InternalError;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The service's InternalErrors for tests, counting by kind what the service exports as a metric. */
final class CountedErrors {
    private final Map<InternalError, Integer> counts = new ConcurrentHashMap<>();
    final InternalErrors errors;

    CountedErrors(AvroSerdes serdes, Topics topics) {
        errors = new InternalErrors(kind -> counts.merge(kind, 1, Integer::sum),
                serdes.valueSerde(DeadLetter.class).serializer(), topics, Clock.systemUTC());
    }

    int count(InternalError kind) {
        return counts.getOrDefault(kind, 0);
    }
}
