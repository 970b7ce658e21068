package dev.perceptwatch.config;

import dev.perceptwatch.client.TopicNames;

/** The topic names the service reads and writes. */
public record Topics(String generations, String references, String scores, String deadLetters,
                     String windowStats, String alerts) {

    public static Topics defaults() {
        return new Topics(TopicNames.GENERATIONS, TopicNames.REFERENCES, TopicNames.SCORES,
                TopicNames.DEAD_LETTERS, TopicNames.WINDOW_STATS, TopicNames.ALERTS);
    }
}
