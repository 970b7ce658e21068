package dev.perceptwatch.client;

import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.ImageSource;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.UUID;

/**
 * Builders of {@link GenerationEvent}s with the usual defaults: a random UUID as event_id, now as
 * produced_at, no attributes. Each returns the Avro builder, so any field can still be set before
 * {@code build()}:
 *
 * <pre>{@code
 * GenerationEvent event = GenerationEvents.inline("sdxl-faces", "v7", generatedPng, referencePng)
 *     .setAttributes(Map.of("prompt_set", "portraits"))
 *     .build();
 * }</pre>
 */
public final class GenerationEvents {
  private GenerationEvents() {}

  /** Both images carried in the event. */
  public static GenerationEvent.Builder inline(String modelId, String modelVersion, byte[] generated, byte[] reference) {
    return of(modelId, modelVersion, inlineImage(generated), inlineImage(reference));
  }

  /** The generated image carried in the event, the reference a ReferenceImage on the references topic. */
  public static GenerationEvent.Builder withReferenceId(String modelId, String modelVersion, byte[] generated,
      String referenceId) {
    return of(modelId, modelVersion, inlineImage(generated), referenceIdImage(referenceId));
  }

  /** Both images at URIs the service may read (file:// under its roots, http(s):// to its hosts). */
  public static GenerationEvent.Builder uris(String modelId, String modelVersion, String generatedUri,
      String referenceUri) {
    return of(modelId, modelVersion, uriImage(generatedUri), uriImage(referenceUri));
  }

  /** Any combination of image sources. */
  public static GenerationEvent.Builder of(String modelId, String modelVersion, ImageSource generated,
      ImageSource reference) {
    return GenerationEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setModelId(modelId)
        .setModelVersion(modelVersion)
        .setProducedAt(Instant.now())
        .setAttributes(new HashMap<>())
        .setGenerated(generated)
        .setReference(reference);
  }

  /** Encoded image bytes (PNG, JPEG or WebP), with their media type when the signature is known. */
  public static ImageSource inlineImage(byte[] image) {
    return ImageSource.newBuilder().setData(ByteBuffer.wrap(image)).setMediaType(MediaTypes.of(image)).build();
  }

  public static ImageSource uriImage(String uri) {
    return ImageSource.newBuilder().setUri(uri).build();
  }

  /** A reference published with {@link PerceptWatchPublisher#publishReference}; only valid as a reference. */
  public static ImageSource referenceIdImage(String referenceId) {
    return ImageSource.newBuilder().setReferenceId(referenceId).build();
  }
}
