package dev.perceptwatch.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.testing.PngHeaders;
import dev.perceptwatch.testing.SharedFiles;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageDecoderTest {

    private static final ImageLimits LIMITS = ImageLimits.defaults();

    @ParameterizedTest
    @CsvSource({"astronaut.png,512,512", "camera.png,512,512", "chelsea.png,451,300", "coffee.png,600,400",
        "rocket.jpg,640,427", "hubble_deep_field.jpg,1000,872", "retina.jpg,1411,1411", "ex_ref.png,64,64",
        "ex_p0.png,64,64", "ex_p1.png,64,64"})
    void decodesEverySampleImage(String name, int width, int height) throws Exception {
        RgbImage image = ImageDecoder.decode(SharedFiles.imageBytes(name), name, LIMITS);
        assertEquals(width, image.width());
        assertEquals(height, image.height());
    }

    /**
     * Expected values from PIL: {@code /usr/bin/python3 -c "from PIL import Image; import numpy as np;
     * im = Image.open('camera.png'); print(np.asarray(im).astype(np.int64).sum(), im.getpixel((0, 0)), ...)"}
     * (mode L). A gray value v must become (v, v, v) exactly, with no colour-management gamma.
     */
    @Test
    void grayPngIsReplicatedExactly() throws Exception {
        RgbImage camera = ImageDecoder.decode(SharedFiles.imageBytes("camera.png"), "camera.png", LIMITS);
        long redSum = 0;
        for (int y = 0; y < camera.height(); y++) {
            for (int x = 0; x < camera.width(); x++) {
                int v = camera.sample(x, y, 0);
                assertEquals(v, camera.sample(x, y, 1));
                assertEquals(v, camera.sample(x, y, 2));
                redSum += v;
            }
        }
        assertEquals(33_832_495L, redSum);
        assertEquals(200, camera.sample(0, 0, 0));
        assertEquals(190, camera.sample(511, 0, 0));
        assertEquals(23, camera.sample(100, 200, 0));
        assertEquals(149, camera.sample(511, 511, 0));
    }

    /**
     * Per-channel sums from PIL {@code np.asarray(Image.open(name).convert('RGB')).astype(np.int64)[..., c].sum()}.
     * rocket.jpg embeds an Adobe RGB profile: the sums hold only if it is not applied, as in PIL.
     */
    @ParameterizedTest
    @CsvSource({"astronaut.png,37109758,27724204,25290362", "rocket.jpg,14283182,16750506,22483056",
        "hubble_deep_field.jpg,16203335,17258561,16646155"})
    void colourImagesMatchPil(String name, long red, long green, long blue) throws Exception {
        RgbImage image = ImageDecoder.decode(SharedFiles.imageBytes(name), name, LIMITS);
        long[] sums = new long[3];
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i++) {
            sums[i % 3] += rgb[i] & 0xFF;
        }
        assertArrayEquals(new long[] {red, green, blue}, sums);
    }

    @Test
    void alphaIsDroppedNotComposited() throws Exception {
        BufferedImage rgba = new BufferedImage(3, 1, BufferedImage.TYPE_4BYTE_ABGR);
        rgba.getRaster().setPixel(0, 0, new int[] {10, 20, 30, 255});
        rgba.getRaster().setPixel(1, 0, new int[] {40, 50, 60, 128});
        rgba.getRaster().setPixel(2, 0, new int[] {70, 80, 90, 0});
        RgbImage image = ImageDecoder.decode(TestImages.encode(rgba, "png"), "rgba.png", LIMITS);
        assertArrayEquals(bytes(10, 20, 30, 40, 50, 60, 70, 80, 90), image.rgb());
    }

    @Test
    void grayWithAlphaIsReplicatedAndAlphaDropped() throws Exception {
        ComponentColorModel grayAlpha = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true,
                false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = grayAlpha.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {17, 255});
        raster.setPixel(1, 0, new int[] {200, 3});
        byte[] png = TestImages.encode(new BufferedImage(grayAlpha, raster, false, null), "png");
        RgbImage image = ImageDecoder.decode(png, "gray-alpha.png", LIMITS);
        assertArrayEquals(bytes(17, 17, 17, 200, 200, 200), image.rgb());
    }

    @Test
    void paletteIsExpanded() throws Exception {
        IndexColorModel palette = new IndexColorModel(2, 4, bytes(255, 0, 0, 9), bytes(0, 255, 0, 99),
                bytes(0, 0, 255, 199));
        BufferedImage indexed = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        indexed.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {3, 2, 1, 0});
        RgbImage image = ImageDecoder.decode(TestImages.encode(indexed, "png"), "palette.png", LIMITS);
        assertArrayEquals(bytes(9, 99, 199, 0, 0, 255, 0, 255, 0, 255, 0, 0), image.rgb());
    }

    /** 16-bit samples round to nearest: v * 255 / 65535, so 385 -> 1.498 -> 1 and 386 -> 1.502 -> 2. */
    @Test
    void sixteenBitGrayIsRounded() throws Exception {
        BufferedImage gray16 = new BufferedImage(6, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSamples(0, 0, 6, 1, 0, new int[] {0, 385, 386, 4660, 32767, 65535});
        RgbImage image = ImageDecoder.decode(TestImages.encode(gray16, "png"), "gray16.png", LIMITS);
        assertArrayEquals(bytes(0, 0, 0, 1, 1, 1, 2, 2, 2, 18, 18, 18, 127, 127, 127, 255, 255, 255), image.rgb());
    }

    @Test
    void sixteenBitRgbIsRounded() throws Exception {
        ComponentColorModel rgb16 = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = rgb16.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {65535, 386, 0});
        raster.setPixel(1, 0, new int[] {32896, 385, 4660});
        byte[] png = TestImages.encode(new BufferedImage(rgb16, raster, false, null), "png");
        RgbImage image = ImageDecoder.decode(png, "rgb16.png", LIMITS);
        assertArrayEquals(bytes(255, 2, 0, 128, 1, 18), image.rgb());
    }

    /** pattern-7x5.webp is lossless RGBA made by make_webp.py beside it; see its formula there. */
    @Test
    void decodesLosslessWebpDroppingAlpha() throws Exception {
        byte[] webp;
        try (InputStream in = getClass().getResourceAsStream("/images/pattern-7x5.webp")) {
            webp = in.readAllBytes();
        }
        RgbImage image = ImageDecoder.decode(webp, "pattern-7x5.webp", LIMITS);
        assertEquals(7, image.width());
        assertEquals(5, image.height());
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                assertEquals((40 * x) % 256, image.sample(x, y, 0));
                assertEquals((50 * y) % 256, image.sample(x, y, 1));
                assertEquals((20 * (x + y)) % 256, image.sample(x, y, 2));
            }
        }
    }

    /**
     * CMYK and YCCK JPEGs without an ICC profile, as PIL writes CMYK (make_cmyk_jpegs.py beside them): the
     * reader warns that it converts without a profile, which is no corruption. Expected colours: PIL's own
     * conversion of the CMYK file, R = (255 - C)(255 - K) / 255 and so on, which TwelveMonkeys' conversion
     * without a profile also is; within 4 for the two decoders' IDCTs and YCCK's rounding.
     */
    @ParameterizedTest
    @CsvSource({"cmyk-48x40.jpg", "ycck-48x40.jpg"})
    void convertsCmykAndYcckJpegsWithoutAProfile(String name) throws Exception {
        RgbImage image = ImageDecoder.decode(resource(name), name, LIMITS);
        RgbImage expected = ImageDecoder.decode(resource("cmyk-48x40.rgb.png"), "cmyk-48x40.rgb.png", LIMITS);
        assertEquals(expected.width(), image.width());
        assertEquals(expected.height(), image.height());
        int worst = 0;
        for (int i = 0; i < expected.rgb().length; i++) {
            worst = Math.max(worst, Math.abs((expected.rgb()[i] & 0xff) - (image.rgb()[i] & 0xff)));
        }
        assertTrue(worst <= 4, name + " is off PIL's colours by up to " + worst);
    }

    private byte[] resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/images/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void truncatedSampleJpegIsUndecodable() throws Exception {
        assertRejected(SharedFiles.imageBytes("truncated.jpg"), "truncated.jpg", RejectReason.UNDECODABLE_IMAGE, "");
    }

    @Test
    void jpegCutInHalfIsUndecodableNotHalfGray() {
        byte[] rocket = SharedFiles.imageBytes("rocket.jpg");
        assertRejected(Arrays.copyOf(rocket, rocket.length / 2), "half-rocket.jpg", RejectReason.UNDECODABLE_IMAGE,
                "corrupt jpeg image: Truncated File");
    }

    @Test
    void pngCutInHalfIsUndecodable() {
        byte[] astronaut = SharedFiles.imageBytes("astronaut.png");
        assertRejected(Arrays.copyOf(astronaut, astronaut.length / 2), "half-astronaut.png",
                RejectReason.UNDECODABLE_IMAGE, "");
    }

    @Test
    void randomBytesAreUndecodable() {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        assertRejected(noise, "noise.bin", RejectReason.UNDECODABLE_IMAGE, "not a PNG, JPEG or WebP image");
    }

    @Test
    void emptyDataIsUndecodable() {
        assertRejected(new byte[0], "empty.png", RejectReason.UNDECODABLE_IMAGE, "empty");
    }

    @Test
    void otherFormatsImageIoReadsAreRefused() {
        byte[] gif = TestImages.encode(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED), "gif");
        assertRejected(gif, "picture.gif", RejectReason.UNDECODABLE_IMAGE, "unsupported image format 'gif'");
    }

    /** The header alone claims 10^10 pixels; the limit must trip before any pixel buffer is allocated. */
    @Test
    void hugePngHeaderIsRefusedByThePixelLimit() throws Exception {
        assertRejected(PngHeaders.headerOnly(100_000, 100_000), "generated.png", RejectReason.IMAGE_TOO_LARGE,
                "generated.png: image is 100000x100000 = 10000000000 pixels, over the limit of 16777216");
        // The same header with a plausible size gets past the limit and fails only for its missing IDAT.
        assertRejected(PngHeaders.headerOnly(100, 100), "generated.png", RejectReason.UNDECODABLE_IMAGE, "cannot decode image");
    }

    @Test
    void theMinimumSideIsCheckedFromTheHeaderAndIsInclusive() throws Exception {
        ImageLimits alex = ImageLimits.defaults().atLeast(31);
        assertRejected(PngHeaders.headerOnly(30, 500), "generated.png", alex, RejectReason.IMAGE_TOO_SMALL,
                "generated.png: image is 30x500, under the minimum side of 31 pixels of the scoring model");
        assertRejected(PngHeaders.headerOnly(500, 30), "generated.png", alex, RejectReason.IMAGE_TOO_SMALL,
                "generated.png: image is 500x30, under the minimum side of 31 pixels of the scoring model");
        // ex_ref.png is 64x64.
        assertEquals(64, ImageDecoder.decode(SharedFiles.imageBytes("ex_ref.png"), "ex_ref.png",
                ImageLimits.defaults().atLeast(64)).width());
        assertEquals(64, ImageDecoder.decode(SharedFiles.imageBytes("ex_ref.png"), "ex_ref.png",
                ImageLimits.defaults().atLeast(64).atLeast(17)).width(), "atLeast never lowers the bound");
    }

    @Test
    void byteLimitIsCheckedFirst() {
        byte[] astronaut = SharedFiles.imageBytes("astronaut.png");
        assertRejected(astronaut, "astronaut.png", new ImageLimits(1000, 1_000_000), RejectReason.IMAGE_TOO_LARGE,
                "astronaut.png: image is " + astronaut.length + " bytes, over the limit of 1000 bytes");
    }

    @Test
    void pixelLimitIsInclusive() throws Exception {
        byte[] astronaut = SharedFiles.imageBytes("astronaut.png");
        ImageLimits exact = new ImageLimits(astronaut.length, 512 * 512);
        assertEquals(512, ImageDecoder.decode(astronaut, "astronaut.png", exact).width());
        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> ImageDecoder.decode(astronaut, "astronaut.png", new ImageLimits(astronaut.length, 512 * 512 - 1)));
        assertEquals(RejectReason.IMAGE_TOO_LARGE, e.reason());
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ImageLimits(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ImageLimits(1, -1));
    }

    private static void assertRejected(byte[] data, String name, RejectReason reason, String messagePart) {
        assertRejected(data, name, LIMITS, reason, messagePart);
    }

    private static void assertRejected(byte[] data, String name, ImageLimits limits, RejectReason reason,
            String messagePart) {
        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> ImageDecoder.decode(data, name, limits));
        assertEquals(reason, e.reason(), e::getMessage);
        assertTrue(e.getMessage().startsWith(name + ": "), e::getMessage);
        assertTrue(e.getMessage().contains(messagePart), e::getMessage);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
