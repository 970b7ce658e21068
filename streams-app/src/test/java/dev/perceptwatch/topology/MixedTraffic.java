package dev.perceptwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.perceptwatch.events.DeadLetter;
import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.events.QualityScore;
import dev.perceptwatch.testing.PngHeaders;
import dev.perceptwatch.testing.SharedFiles;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A stream of small (64x64, fast to score) generation events for failure tests, one in 20 (5 %) bad in one
 * of four ways, each with the dead-letter reason it must get; good events use inline references and the
 * reference {@link #REFERENCE_ID}, which must have been published first.
 */
final class MixedTraffic {
    static final String REFERENCE_ID = "ref-ex";
    private static final int BAD_EVERY = 20;
    private static final Instant T0 = TestEvents.RECENT;

    /** A record to publish, keyed by its id, and the dead-letter reason it must get (null: it must be scored). */
    record Input(String id, byte[] value, String expectedReason) {
    }

    private final List<Input> inputs;
    private final AtomicInteger produced = new AtomicInteger();

    MixedTraffic(PipelineInput input, int events) {
        byte[] reference = SharedFiles.imageBytes("ex_ref.png");
        List<byte[]> generated = List.of(SharedFiles.imageBytes("ex_p0.png"), SharedFiles.imageBytes("ex_p1.png"));
        BadInputs bad = new BadInputs(input);
        inputs = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            String id = String.format("event-%05d", i);
            ImageSource image = TestEvents.inline(generated.get(i % 2));
            ImageSource ref = i % 3 == 0 ? TestEvents.inline(reference) : TestEvents.referenceId(REFERENCE_ID);
            int index = i;
            BiFunction<ImageSource, ImageSource, GenerationEvent> event = (g, r) -> event(id, g, r, index);
            inputs.add(i % BAD_EVERY != BAD_EVERY - 1 ? new Input(id, input.avro(event.apply(image, ref)), null)
                    : bad.input(id, i / BAD_EVERY, event, image, ref));
        }
    }

    /**
     * Bad records of four kinds, taken in turn, each with the dead-letter reason it must get: not Avro, a
     * missing reference, an undecodable image, an image too large (from its header).
     */
    static final class BadInputs {
        private final PipelineInput input;
        private final byte[] truncated = SharedFiles.imageBytes("truncated.jpg");
        private final byte[] hugeHeader = PngHeaders.headerOnly(100_000, 100_000);

        BadInputs(PipelineInput input) {
            this.input = input;
        }

        /**
         * The {@code n}-th bad record of a stream whose events {@code event} makes from a generated image and a
         * reference; {@code image} and {@code reference} are good ones.
         */
        Input input(String id, int n, BiFunction<ImageSource, ImageSource, GenerationEvent> event, ImageSource image,
                    ImageSource reference) {
            return switch (n % 4) {
                case 0 -> new Input(id, ("not avro " + id).getBytes(StandardCharsets.UTF_8), "BAD_SCHEMA");
                case 1 -> new Input(id, input.avro(event.apply(image, TestEvents.referenceId("missing"))),
                        "MISSING_REFERENCE");
                case 2 -> new Input(id, input.avro(event.apply(TestEvents.inline(truncated), reference)),
                        "UNDECODABLE_IMAGE");
                default -> new Input(id, input.avro(event.apply(TestEvents.inline(hugeHeader), reference)),
                        "IMAGE_TOO_LARGE");
            };
        }
    }

    private static GenerationEvent event(String id, ImageSource generated, ImageSource reference, int index) {
        return TestEvents.event(id, generated, reference, T0.plusMillis(index));
    }

    List<String> ids() {
        return inputs.stream().map(Input::id).toList();
    }

    /** How many records were handed to the producer so far. */
    int produced() {
        return produced.get();
    }

    /**
     * Sends the records {@code perRound} at a time every {@code roundMillis}, holding back the last round until
     * {@code disruptionsDone} is set, so that every disruption happens while events are still coming in; then
     * sends the rest at once. Returns the sends, to be checked.
     */
    List<Future<RecordMetadata>> produce(PipelineInput input, int perRound, long roundMillis,
                                         AtomicBoolean disruptionsDone) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try {
            for (Input next : inputs) {
                int count = produced.get();
                if (count > 0 && count % perRound == 0 && !disruptionsDone.get()) {
                    input.flush();
                    Thread.sleep(roundMillis);
                }
                while (!disruptionsDone.get() && count >= inputs.size() - perRound) {
                    Thread.sleep(roundMillis);
                }
                sent.add(input.sendRaw(next.id(), next.value()));
                produced.incrementAndGet();
            }
            input.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        }
        return sent;
    }

    /** Good events were scored, and bad ones dead-lettered with their reason. */
    void assertRoutedAsExpected(PipelineOutputs outputs) {
        assertRoutedAsExpected(inputs, outputs);
    }

    static void assertRoutedAsExpected(Collection<Input> inputs, PipelineOutputs outputs) {
        Map<String, String> actual = new LinkedHashMap<>();
        outputs.scores().stream().map(QualityScore::getEventId).forEach(id -> actual.put(id, "SCORED"));
        for (DeadLetter letter : outputs.deadLetters()) {
            actual.put(PipelineOutputs.eventIdOf(letter), letter.getReason());
        }
        Map<String, String> wrong = inputs.stream()
                .filter(input -> !expected(input).equals(actual.get(input.id())))
                .limit(20)
                .collect(Collectors.toMap(Input::id, input -> expected(input) + " expected, got " + actual.get(input.id())));
        assertEquals(Map.of(), wrong, "events routed otherwise than expected");
    }

    private static String expected(Input input) {
        return input.expectedReason() == null ? "SCORED" : input.expectedReason();
    }
}
