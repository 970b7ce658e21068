package dev.perceptwatch.imaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Writes RGB images with ImageIO's encoders: PNG for pictures served or stored, JPEG for the JPEG distortion. */
public final class ImageEncoder {
    private ImageEncoder() {
    }

    /** Lossless PNG bytes of the image (ImageIO's PNG writer, 8-bit RGB). */
    public static byte[] png(RgbImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        return write(writer, writer.getDefaultWriteParam(), image);
    }

    /** Baseline JPEG bytes of the image at {@code quality} (1-100). */
    static byte[] jpeg(RgbImage image, int quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality / 100f);
        return write(writer, param, image);
    }

    private static byte[] write(ImageWriter writer, ImageWriteParam param, RgbImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(Rasters.toBufferedImage(image), null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding in memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
