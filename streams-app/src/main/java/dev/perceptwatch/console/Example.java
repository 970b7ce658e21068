package dev.perceptwatch.console;

import dev.perceptwatch.events.GenerationEvent;
import dev.perceptwatch.events.WorstExample;
import dev.perceptwatch.scoring.PairScores;
import java.util.List;

/**
 * One event's pictures as the console shows them: the generated image, its reference and the LPIPS spatial
 * map over the generated image, each null when it could not be had, with a sentence per problem.
 *
 * @param event    the generation event read back, or null (deleted by retention, no position...)
 * @param scores   recomputed from the images with the service's own code, or null without both images
 * @param retryable whether a problem may go away on a reload (Kafka unavailable, the heatmap queue full):
 *                 such an example is not cached
 */
record Example(Location location, GenerationEvent event, Picture generated, Picture reference, Picture heatmap,
               PairScores scores, List<String> problems, boolean retryable) {

    Example {
        problems = List.copyOf(problems);
    }

    /** Encoded image bytes, their sniffed media type and the decoded size. */
    record Picture(byte[] bytes, String mediaType, int width, int height) {
    }

    /**
     * Where an event's images are: by position on the generations topic, and by uri or reference id where they
     * were not inline. Any part may be null.
     */
    record Location(String eventId, String topic, Integer partition, Long offset, String generatedUri,
                    String referenceUri, String referenceId) {

        static Location of(WorstExample example) {
            return new Location(example.getEventId(), example.getSourceTopic(), example.getSourcePartition(),
                    example.getSourceOffset(), example.getGeneratedUri(), example.getReferenceUri(),
                    example.getReferenceId());
        }

        static Location at(String topic, int partition, long offset) {
            return new Location(null, topic, partition, offset, null, null, null);
        }

        boolean hasPosition() {
            return topic != null && partition != null && offset != null;
        }

        /** The cache key: the position when known, else the event id. */
        String key() {
            return hasPosition() ? topic + "/" + partition + "/" + offset : "event/" + eventId;
        }
    }

    String eventId() {
        return event != null ? event.getEventId() : location.eventId();
    }

    long bytes() {
        long total = 0;
        for (Picture picture : new Picture[] {generated, reference, heatmap}) {
            total += picture == null ? 0 : picture.bytes().length;
        }
        return total;
    }

    Picture picture(String role) {
        return switch (role) {
            case "generated" -> generated;
            case "reference" -> reference;
            case "heatmap" -> heatmap;
            default -> null;
        };
    }
}
