package dev.perceptwatch.client;

/** The default names of PerceptWatch's topics (the service's and the tools' defaults). */
public final class TopicNames {
  /** {@code GenerationEvent}s from model teams, keyed by event_id. */
  public static final String GENERATIONS = "perceptwatch.generations";
  /** {@code ReferenceImage}s, compacted, keyed by reference_id. */
  public static final String REFERENCES = "perceptwatch.references";
  public static final String SCORES = "perceptwatch.scores";
  public static final String DEAD_LETTERS = "perceptwatch.dead-letters";
  public static final String WINDOW_STATS = "perceptwatch.window-stats";
  public static final String ALERTS = "perceptwatch.alerts";

  private TopicNames() {}
}
