package dev.perceptwatch.scoring;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of an encoded image, the key of its cached features: equal bytes share features whatever id,
 * uri or event they came with, and a reference republished under the same id with other bytes gets a new key,
 * so it can never be scored with the features of its former content. A cryptographic digest, so that no
 * producer can make an image whose key collides with another's.
 */
record ContentDigest(long first, long second, long third, long fourth) {

    static ContentDigest of(byte[] encoded) {
        try {
            ByteBuffer digest = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(encoded));
            return new ContentDigest(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
