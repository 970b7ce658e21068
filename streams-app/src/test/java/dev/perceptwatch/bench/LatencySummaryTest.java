package dev.perceptwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

    @Test
    void nearestRankPercentilesOfOneToTwoHundredMilliseconds() {
        // Latencies 1..200 ms, read at 1000 + latency. Nearest rank: p50 is the 100th value, p99 the 198th.
        List<ScoreCollector.Arrival> arrivals = IntStream.rangeClosed(1, 200)
                .mapToObj(ms -> new ScoreCollector.Arrival(1000, 1000 + ms)).toList();
        assertEquals(new LatencySummary(100, 198, 200, 1200), LatencySummary.of(arrivals));
    }

    @Test
    void aSingleEventIsEveryPercentile() {
        assertEquals(new LatencySummary(7, 7, 7, 17), LatencySummary.of(List.of(new ScoreCollector.Arrival(10, 17))));
    }
}
