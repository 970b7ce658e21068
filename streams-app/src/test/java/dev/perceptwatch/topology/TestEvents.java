package dev.perceptwatch.topology;

import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.testing.SharedFiles;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** Generation events for topology tests. */
final class TestEvents {
    /**
     * An event time for tests on a real broker: recent, and on a whole hour so that windows line up. Scores
     * carry their event's produced_at as record time, and a broker deletes records older than its retention
     * (7 days) by that time, so a fixed date makes such a test fail a week after it was written.
     */
    static final Instant RECENT = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));

    private TestEvents() {
    }

    static ImageSource inline(byte[] data) {
        return ImageSource.newBuilder().setData(ByteBuffer.wrap(data)).setMediaType("image/png").build();
    }

    static ImageSource uri(String uri) {
        return ImageSource.newBuilder().setUri(uri).build();
    }

    static ImageSource referenceId(String id) {
        return ImageSource.newBuilder().setReferenceId(id).build();
    }

    static GenerationEvent event(String id, ImageSource generated, ImageSource reference, Instant producedAt) {
        return GenerationEvent.newBuilder()
                .setEventId(id)
                .setModelId("faces")
                .setModelVersion("v7")
                .setProducedAt(producedAt)
                .setAttributes(Map.of("prompt_set", "portraits"))
                .setGenerated(generated)
                .setReference(reference)
                .build();
    }

    /** ex_p0 against ex_ref: LPIPS alex 0.721881 (MODELS.md, "Example-image distances"). */
    static GenerationEvent exampleP0(String id, Instant producedAt) {
        return event(id, inline(SharedFiles.imageBytes("ex_p0.png")), inline(SharedFiles.imageBytes("ex_ref.png")),
                producedAt);
    }

    static ReferenceImage reference(String id, byte[] data) {
        return ReferenceImage.newBuilder().setReferenceId(id).setData(ByteBuffer.wrap(data))
                .setMediaType("image/png").setUpdatedAt(Instant.EPOCH).build();
    }
}
