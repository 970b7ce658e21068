package dev.perceptwatch.config;

import dev.perceptwatch.client.TopicNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The topic names the service reads and writes. */
public record Topics(String generations, String references, String scores, String deadLetters,
                     String windowStats, String alerts) {

    /** The {@code topics.*} setting of each topic, in the order of the record's components. */
    static final List<String> KEYS = List.of("topics.generations", "topics.references", "topics.scores",
            "topics.dead-letters", "topics.window-stats", "topics.alerts");

    public static Topics defaults() {
        return new Topics(TopicNames.GENERATIONS, TopicNames.REFERENCES, TopicNames.SCORES,
                TopicNames.DEAD_LETTERS, TopicNames.WINDOW_STATS, TopicNames.ALERTS);
    }

    /** The topics the {@code topics.*} settings name, each not set the default's. */
    static Topics read(SettingsSource source) {
        Map<String, String> defaults = defaults().settings();
        List<String> names = KEYS.stream().map(key -> source.string(key, defaults.get(key))).toList();
        return new Topics(names.get(0), names.get(1), names.get(2), names.get(3), names.get(4), names.get(5));
    }

    /** The {@code topics.*} settings that name these topics, as a settings file has them (README, Configuration). */
    public Map<String, String> settings() {
        List<String> names = List.of(generations, references, scores, deadLetters, windowStats, alerts);
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < KEYS.size(); i++) {
            settings.put(KEYS.get(i), names.get(i));
        }
        return settings;
    }
}
