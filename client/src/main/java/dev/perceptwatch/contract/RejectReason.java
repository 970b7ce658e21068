package dev.perceptwatch.contract;

/** Why an event cannot be scored: the reason code written on its dead letter. */
public enum RejectReason {
    /** Not the registry wire format, an unknown schema id, or Avro that does not decode. */
    BAD_SCHEMA,
    /** Decodes, but breaks the contract (e.g. an image source with no or several of data, uri, reference_id). */
    BAD_EVENT,
    /** reference_id not (yet) on the references topic. */
    MISSING_REFERENCE,
    /** A uri outside the configured file roots or HTTP hosts, or of another scheme. */
    URI_FORBIDDEN,
    /** An allowed uri that could not be read (HTTP status, connection, the time limit; over the size limit is IMAGE_TOO_LARGE). */
    FETCH_FAILED,
    /** Bytes that are no decodable PNG, JPEG or WebP. */
    UNDECODABLE_IMAGE,
    /** Over the byte or pixel limit. */
    IMAGE_TOO_LARGE,
    /** Narrower or lower than the scoring model's minimum side (31 px for lpips-alex, 17 for lpips-squeeze: models/manifest.json). */
    IMAGE_TOO_SMALL,
    /** Generated and reference differ in size under the reject policy. */
    SIZE_MISMATCH,
    /** The perceptual model failed on this pair. */
    SCORING_FAILED,
    /**
     * Consumed before a restart, not yet scored, and deleted by the input topic's retention before the service
     * came back: its dead letter has the position but not the bytes.
     */
    INPUT_EXPIRED,
    /**
     * The service failed on the record, not the record on the contract: a processor threw on it, or the broker
     * refused its result (a dead-letters topic whose max.message.bytes is below the generations topic's, say).
     * The message has the exception and where; the stream went on. See docs/STREAMING.md.
     */
    INTERNAL_ERROR
}
