package dev.perceptwatch.imaging;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * Conversions between decoded {@link BufferedImage}s and {@link RgbImage}.
 *
 * <p>Samples are read from the raster, not through {@code BufferedImage.getRGB}: {@code getRGB} runs
 * Java's colour management, which turns an 8-bit gray value v into something other than (v,v,v).
 * The rules follow PIL's {@code convert('RGB')}, which the reference {@code lpips} loader uses: gray is
 * replicated, palettes are expanded, alpha is dropped (not composited), embedded ICC profiles are not
 * applied. Samples wider than 8 bits are rounded: {@code round(v * 255 / (2^bits - 1))}.
 */
final class Rasters {

    private Rasters() {
    }

    /**
     * The image's pixels as RGB. Takes the image's array over when it already holds RGB, tightly packed: the
     * image must not be used afterwards.
     */
    static RgbImage toRgb(BufferedImage image) {
        if (image.isAlphaPremultiplied()) {
            image.coerceData(false);
        }
        ColorModel colorModel = image.getColorModel();
        if (colorModel instanceof IndexColorModel palette) {
            return expandPalette(image, palette);
        }
        int colorSpaceType = colorModel.getColorSpace().getType();
        int transferType = image.getRaster().getTransferType();
        boolean integerSamples = (transferType == DataBuffer.TYPE_BYTE || transferType == DataBuffer.TYPE_USHORT)
                && Arrays.stream(colorModel.getComponentSize()).allMatch(bits -> bits <= 16);
        if (integerSamples && colorSpaceType == ColorSpace.TYPE_GRAY && colorModel.getNumColorComponents() == 1) {
            return copyBands(image, new int[] {0, 0, 0});
        }
        if (integerSamples && colorSpaceType == ColorSpace.TYPE_RGB && colorModel.getNumColorComponents() == 3) {
            return copyBands(image, new int[] {0, 1, 2});
        }
        // CMYK, YCCK, int or float rasters...: let Java's colour management bring them to sRGB.
        BufferedImage srgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        new ColorConvertOp(null).filter(image, srgb);
        return copyBands(srgb, new int[] {0, 1, 2});
    }

    static BufferedImage toBufferedImage(RgbImage image) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return out;
    }

    /** Copies raster bands into R, G, B: {@code bandForChannel[c]} is the band that feeds channel c. */
    private static RgbImage copyBands(BufferedImage image, int[] bandForChannel) {
        int width = image.getWidth();
        int height = image.getHeight();
        Raster raster = image.getRaster();
        if (isInterleavedBytes(raster, image.getColorModel(), bandForChannel)) {
            return copyInterleavedBytes(raster, bandForChannel);
        }
        byte[] rgb = new byte[width * height * 3];
        int[] row = new int[width];
        for (int c = 0; c < 3; c++) {
            int band = bandForChannel[c];
            int[] toByte = rescaleTable(image.getColorModel().getComponentSize(band));
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, band, row);
                int base = y * width * 3 + c;
                for (int x = 0; x < width; x++) {
                    rgb[base + x * 3] = (byte) toByte[row[x]];
                }
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /**
     * Whether the used bands are 8-bit samples interleaved in one byte array, the layout the PNG, JPEG and
     * WebP readers produce for 8-bit gray, RGB and RGBA: then the bytes are copied directly, several times
     * faster than reading samples through the raster (which was most of the cost of a decode).
     */
    private static boolean isInterleavedBytes(Raster raster, ColorModel colorModel, int[] bandForChannel) {
        return raster.getDataBuffer() instanceof DataBufferByte bytes && bytes.getNumBanks() == 1
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel
                && raster.getMinX() == 0 && raster.getMinY() == 0
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && Arrays.stream(bandForChannel).allMatch(band -> colorModel.getComponentSize(band) == 8);
    }

    private static RgbImage copyInterleavedBytes(Raster raster, int[] bandForChannel) {
        PixelInterleavedSampleModel layout = (PixelInterleavedSampleModel) raster.getSampleModel();
        DataBufferByte buffer = (DataBufferByte) raster.getDataBuffer();
        byte[] data = buffer.getData();
        int pixelStride = layout.getPixelStride();
        int scanlineStride = layout.getScanlineStride();
        int[] bandOffsets = layout.getBandOffsets();
        int red = bandOffsets[bandForChannel[0]];
        int green = bandOffsets[bandForChannel[1]];
        int blue = bandOffsets[bandForChannel[2]];
        int width = raster.getWidth();
        int height = raster.getHeight();
        if (red == 0 && green == 1 && blue == 2 && pixelStride == 3 && scanlineStride == 3 * width
                && buffer.getOffset() == 0 && data.length == 3 * width * height) {
            // Already RGB, tightly packed (a PNG or WebP without alpha): adopted, not copied.
            return new RgbImage(width, height, data);
        }
        byte[] rgb = new byte[width * height * 3];
        int out = 0;
        for (int y = 0; y < height; y++) {
            int at = buffer.getOffset() + y * scanlineStride;
            for (int x = 0; x < width; x++, at += pixelStride) {
                rgb[out++] = data[at + red];
                rgb[out++] = data[at + green];
                rgb[out++] = data[at + blue];
            }
        }
        return new RgbImage(width, height, rgb);
    }

    private static RgbImage expandPalette(BufferedImage image, IndexColorModel palette) {
        int width = image.getWidth();
        int height = image.getHeight();
        Raster raster = image.getRaster();
        byte[] rgb = new byte[width * height * 3];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            raster.getSamples(0, y, width, 1, 0, row);
            for (int x = 0; x < width; x++) {
                int at = (y * width + x) * 3;
                rgb[at] = (byte) palette.getRed(row[x]);
                rgb[at + 1] = (byte) palette.getGreen(row[x]);
                rgb[at + 2] = (byte) palette.getBlue(row[x]);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** Maps every value of a {@code bits}-wide sample to 8 bits, rounding to nearest. */
    private static int[] rescaleTable(int bits) {
        int max = (1 << bits) - 1;
        int[] table = new int[max + 1];
        for (int v = 0; v <= max; v++) {
            table[v] = (int) Math.round(v * 255.0 / max);
        }
        return table;
    }
}
