package dev.perceptwatch.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the pending store keeps of a record being scored: its input position, to read it back after a
 * restart, and its key (the event id, by the producers' contract), so that even a record deleted from the
 * input in the meantime leaves a dead letter that names it. Not the value: the images would cross the broker
 * a second time in the changelog.
 */
record PendingMark(InputPosition position, byte[] key) {
    /** 1 was the whole record, images included, kept until 2026-12 (never released). */
    private static final int FORMAT = 2;

    static PendingMark of(PendingRecord record) {
        return new PendingMark(record.position(), record.key());
    }

    byte[] toBytes() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeByte(FORMAT);
            out.writeUTF(position.topic());
            out.writeInt(position.partition());
            out.writeLong(position.offset());
            out.writeInt(key == null ? -1 : key.length);
            if (key != null) {
                out.write(key);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    static PendingMark fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("pending store value format " + format + " is not supported ("
                        + FORMAT + " expected)");
            }
            InputPosition position = new InputPosition(in.readUTF(), in.readInt(), in.readLong());
            int keyLength = in.readInt();
            return new PendingMark(position, keyLength < 0 ? null : in.readNBytes(keyLength));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
