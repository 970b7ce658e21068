package dev.perceptwatch.bench;

import dev.perceptwatch.commandline.SamplePairs;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.scoring.EncodedPairScorer.EncodedImages;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.CRC32;

/**
 * A stream of pairs in which every reference is used by {@code reuse} pairs in a row and never again, as a
 * reference published once and named by {@code reuse} events: tiles of the sample photographs, each against
 * {@code reuse} distorted copies of itself. Each use of a tile as a reference is new content: its PNG carries
 * a text chunk with a serial number, so its bytes, and so its cache key, differ while its pixels (and so the
 * scores) stay the same.
 */
final class ReusedReferences {

    private static final int IHDR_END = 8 + 4 + 4 + 13 + 4;

    private final List<byte[]> references;
    private final List<List<byte[]>> generated;
    private final int reuse;

    private ReusedReferences(List<byte[]> references, List<List<byte[]>> generated, int reuse) {
        this.references = references;
        this.generated = generated;
        this.reuse = reuse;
    }

    /** Up to {@code tiles} tiles of {@code size} from the photographs, each with {@code reuse} distorted copies. */
    static ReusedReferences of(Path images, int size, int tiles, int reuse) {
        if (reuse < 1) {
            throw new IllegalArgumentException("--reference-reuse must be at least 1, got " + reuse);
        }
        List<byte[]> references = new ArrayList<>();
        List<List<byte[]>> generated = new ArrayList<>();
        for (RgbImage tile : SamplePairs.cleanTiles(images, size, tiles)) {
            int t = references.size();
            references.add(ImageEncoder.png(tile));
            List<byte[]> copies = new ArrayList<>(reuse);
            for (int j = 0; j < reuse; j++) {
                copies.add(ImageEncoder.png(SamplePairs.distort(tile,
                        SamplePairs.DISTORTIONS.get((t + j) % SamplePairs.DISTORTIONS.size()),
                        (long) t * reuse + j)));
            }
            generated.add(copies);
        }
        return new ReusedReferences(references, generated, reuse);
    }

    int reuse() {
        return reuse;
    }

    int tiles() {
        return references.size();
    }

    /** The stream from its start: pair n has reference number n / reuse. */
    Supplier<EncodedImages> stream() {
        long[] next = {0};
        return () -> pair(next[0]++);
    }

    EncodedImages pair(long index) {
        long serial = index / reuse;
        int tile = (int) (serial % references.size());
        return new EncodedImages(generated.get(tile).get((int) (index % reuse)), "generated " + index,
                reference(serial), "reference " + serial);
    }

    /** Reference number {@code serial}: its tile's PNG, tagged with the serial. */
    byte[] reference(long serial) {
        return tagged(references.get((int) (serial % references.size())), serial);
    }

    /** The PNG with a {@code tEXt} chunk "perceptwatch-serial" right after its header: other bytes, same pixels. */
    static byte[] tagged(byte[] png, long serial) {
        byte[] data = ("perceptwatch-serial\0" + serial).getBytes(StandardCharsets.ISO_8859_1);
        byte[] type = "tEXt".getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + data.length + 12);
        out.write(png, 0, IHDR_END);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(type);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        out.write(png, IHDR_END, png.length - IHDR_END);
        return out.toByteArray();
    }
}
