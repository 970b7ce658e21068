package dev.perceptwatch.topology;

import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import dev.perceptwatch.events.ReferenceImage;
import dev.perceptwatch.testing.SharedFiles;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

/** Generation events for topology tests. */
final class TestEvents {
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
