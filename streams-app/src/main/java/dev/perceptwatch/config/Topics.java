package dev.perceptwatch.config;

import dev.perceptwatch.client.TopicNames;
import java.util.LinkedHashMap;
import java.util.Map;

/** The topic names the service reads and writes. */
public record Topics(String generations, String references, String scores, String deadLetters,
                     String windowStats, String alerts) {

    public static Topics defaults() {
        return new Topics(TopicNames.GENERATIONS, TopicNames.REFERENCES, TopicNames.SCORES,
                TopicNames.DEAD_LETTERS, TopicNames.WINDOW_STATS, TopicNames.ALERTS);
    }

    /** The {@code topics.*} settings that name these topics, as a settings file has them (README, Configuration). */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("topics.generations", generations);
        settings.put("topics.references", references);
        settings.put("topics.scores", scores);
        settings.put("topics.dead-letters", deadLetters);
        settings.put("topics.window-stats", windowStats);
        settings.put("topics.alerts", alerts);
        return settings;
    }
}
