package dev.perceptwatch.client;

import dev.perceptwatch.events.GenerationEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The example of docs/PRODUCERS.md, compiled and run by {@link PerceptWatchPublisherTest}: publish one
 * reference and two generations, one carrying both images, one pointing at the reference by id.
 * Arguments: bootstrap servers, registry URL, generated image file, reference image file.
 */
public final class PublishExample {

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String registryUrl = args[1];
    byte[] generated = Files.readAllBytes(Path.of(args[2]));
    byte[] reference = Files.readAllBytes(Path.of(args[3]));

    try (PerceptWatchPublisher publisher = PerceptWatchPublisher.builder(bootstrap, registryUrl).build()) {
      publisher.publishReference("portrait-0001", reference).get();

      GenerationEvent inline = GenerationEvents.inline("sdxl-faces", "v7", generated, reference)
          .setAttributes(Map.of("prompt_set", "portraits", "sampler", "dpm++"))
          .build();
      GenerationEvent byId = GenerationEvents.withReferenceId("sdxl-faces", "v7", generated, "portrait-0001").build();

      for (GenerationEvent event : new GenerationEvent[] {inline, byId}) {
        RecordMetadata sent = publisher.publish(event).get();   // or whenComplete(...) to stay asynchronous
        System.out.println(event.getEventId() + " -> " + sent.topic() + "/" + sent.partition() + "@" + sent.offset());
      }
    }
  }
}
