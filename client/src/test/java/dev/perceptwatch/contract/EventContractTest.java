package dev.perceptwatch.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.perceptwatch.client.GenerationEvents;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The one event contract, as the client and the service apply it (the same messages on both sides). */
class EventContractTest {
  private static final byte[] IMAGE = {1, 2, 3};
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final Duration SKEW = EventContract.DEFAULT_MAX_FUTURE_SKEW;

  @Test
  void aWellFormedEventHasNoProblem() {
    assertNull(problem(event().build()));
    assertNull(problem(event().setProducedAt(NOW.plus(SKEW)).build()), "exactly the skew ahead is allowed");
  }

  @Test
  void idsAreCheckedInOrderWithTheFieldNamed() {
    assertEquals("event_id is empty", problem(event().setEventId("   ").build()));
    assertEquals("model_id is empty", problem(event().setModelId("").build()));
    assertEquals("model_version has 257 characters, more than 256",
        problem(event().setModelVersion("v".repeat(257)).build()));
    assertEquals("model_id 'a?b' contains a control character", problem(event().setModelId("a\u0007b").build()));
  }

  @Test
  void producedAtMustBeAfter1970AndNotAheadOfTheClock() {
    Instant future = NOW.plus(Duration.ofDays(1));
    assertEquals("produced_at " + future + " (" + future.toEpochMilli() + ") is more than 300 s ahead of this"
            + " instance's clock, " + NOW + " (windows.max-future-skew); it is milliseconds since the epoch",
        problem(event().setProducedAt(future).build()));
    assertEquals("produced_at 1969-12-31T23:59:59Z (-1000) is before 1970; it is milliseconds since the epoch",
        problem(event().setProducedAt(Instant.ofEpochSecond(-1)).build()));
  }

  @Test
  void eachImageSourceHasExactlyOneKindAndTheGeneratedOneIsNoReferenceId() {
    GenerationEvent twoKinds = event().build();
    twoKinds.getReference().setUri("file:///also.png");
    assertEquals("reference must have exactly one of data, uri, reference_id (has 2)", problem(twoKinds));
    assertEquals("generated must have exactly one of data, uri, reference_id (has 0)",
        problem(event().setGenerated(new ImageSource()).build()));
    assertEquals("generated must be inline data or a uri, not a reference_id",
        problem(event().setGenerated(GenerationEvents.referenceIdImage("r")).build()));
  }

  private static GenerationEvent.Builder event() {
    return GenerationEvents.inline("faces", "v7", IMAGE, IMAGE).setProducedAt(NOW.minusSeconds(1));
  }

  private static String problem(GenerationEvent event) {
    return EventContract.problem(event, NOW, SKEW);
  }
}
