package dev.perceptwatch.config;

/** The topic names the service reads and writes. */
public record Topics(String generations, String references, String scores, String deadLetters,
                     String windowStats, String alerts) {

    public static Topics defaults() {
        return new Topics("perceptwatch.generations", "perceptwatch.references", "perceptwatch.scores",
                "perceptwatch.dead-letters", "perceptwatch.window-stats", "perceptwatch.alerts");
    }
}
