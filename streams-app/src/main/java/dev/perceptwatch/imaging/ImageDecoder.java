package dev.perceptwatch.imaging;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import dev.perceptwatch.contract.RejectReason;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG, JPEG and WebP bytes into 8-bit sRGB {@link RgbImage}s, refusing oversized images before
 * their pixels are decoded. Conversion rules are those of {@link Rasters}. Only the first image of a
 * multi-image file is read. Pixels are taken as stored, like PIL's {@code Image.open}: EXIF orientation
 * and embedded ICC profiles are not applied. A reader warning (a JPEG's missing EOI marker or premature
 * end of data, for instance) rejects the image: a partly decoded image would be scored silently as if it were whole;
 * the warning that a CMYK or YCCK JPEG has no ICC profile does not.
 */
public final class ImageDecoder {

    /** ImageIO format names accepted; other formats ImageIO happens to read (GIF, BMP, WBMP, TIFF) are refused. */
    private static final Set<String> SUPPORTED_FORMATS = Set.of("png", "jpeg", "webp");
    /**
     * TwelveMonkeys' JPEG reader warns so for a CMYK or YCCK JPEG without an ICC profile (PIL writes them so)
     * and converts with the plain formula, R = (255 - C)(255 - K) / 255, which is PIL's too: the data is whole.
     */
    private static final String NO_CMYK_PROFILE = "No embedded ICC color profile";

    private ImageDecoder() {
    }

    /**
     * Decodes one image.
     *
     * @param encoded    the file's bytes
     * @param sourceName names the image in error messages (file name, event id and role)
     * @param limits     byte and pixel limits, checked before any pixel is decoded
     * @throws ImageRejectedException {@code IMAGE_TOO_LARGE} over a limit, {@code UNDECODABLE_IMAGE} for
     *                                empty, unknown, unsupported, truncated or corrupt data
     */
    public static RgbImage decode(byte[] encoded, String sourceName, ImageLimits limits)
            throws ImageRejectedException {
        if (encoded == null || encoded.length == 0) {
            throw new ImageRejectedException(RejectReason.UNDECODABLE_IMAGE, sourceName, "image data is empty");
        }
        if (encoded.length > limits.maxBytes()) {
            throw new ImageRejectedException(RejectReason.IMAGE_TOO_LARGE, sourceName, "image is " + encoded.length
                    + " bytes, over the limit of " + limits.maxBytes() + " bytes");
        }
        // Read in place: a MemoryCacheImageInputStream would copy the bytes into its cache as they are read.
        try (ImageInputStream input = new ByteArrayImageInputStream(encoded)) {
            ImageReader reader = supportedReader(input, sourceName);
            try {
                reader.setInput(input, true, true);
                checkPixelLimit(reader.getWidth(0), reader.getHeight(0), sourceName, limits);
                Set<String> warnings = new LinkedHashSet<>();
                reader.addIIOReadWarningListener((source, warning) -> {
                    if (!warning.startsWith(NO_CMYK_PROFILE)) {
                        warnings.add(warning);
                    }
                });
                BufferedImage image = reader.read(0, storedColours(reader));
                if (!warnings.isEmpty()) {
                    throw new ImageRejectedException(RejectReason.UNDECODABLE_IMAGE, sourceName,
                            "corrupt " + formatName(reader) + " image: " + String.join("; ", warnings));
                }
                return Rasters.toRgb(image);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new ImageRejectedException(RejectReason.UNDECODABLE_IMAGE, sourceName,
                    "cannot decode image: " + e, e);
        }
    }

    private static ImageReader supportedReader(ImageInputStream input, String sourceName)
            throws ImageRejectedException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
        String otherFormat = null;
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            if (SUPPORTED_FORMATS.contains(formatName(reader))) {
                return reader;
            }
            otherFormat = otherFormat == null ? formatName(reader) : otherFormat;
        }
        String detail = otherFormat == null
                ? "not a PNG, JPEG or WebP image (unrecognised data)"
                : "unsupported image format '" + otherFormat + "', expected PNG, JPEG or WebP";
        throw new ImageRejectedException(RejectReason.UNDECODABLE_IMAGE, sourceName, detail);
    }

    /**
     * Asks for the colours as stored: TwelveMonkeys' JPEG reader would otherwise convert through an embedded
     * ICC profile (rocket.jpg carries Adobe RGB), which PIL and OpenCV, the reference loaders, do not do.
     * Stored CMYK or YCCK is left to the reader's own conversion to RGB.
     */
    private static ImageReadParam storedColours(ImageReader reader) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        ImageTypeSpecifier stored = reader.getRawImageType(0);
        int storedSpace = stored == null ? -1 : stored.getColorModel().getColorSpace().getType();
        if (storedSpace == ColorSpace.TYPE_RGB || storedSpace == ColorSpace.TYPE_GRAY) {
            param.setDestinationType(stored);
        }
        return param;
    }

    private static void checkPixelLimit(int width, int height, String sourceName, ImageLimits limits)
            throws ImageRejectedException {
        if (width <= 0 || height <= 0) {
            throw new ImageRejectedException(RejectReason.UNDECODABLE_IMAGE, sourceName,
                    "header declares an empty image " + width + "x" + height);
        }
        if (width < limits.minSide() || height < limits.minSide()) {
            throw new ImageRejectedException(RejectReason.IMAGE_TOO_SMALL, sourceName, "image is " + width + "x" + height
                    + ", under the minimum side of " + limits.minSide() + " pixels of the scoring model");
        }
        long pixels = (long) width * height;
        if (pixels > limits.maxPixels()) {
            throw new ImageRejectedException(RejectReason.IMAGE_TOO_LARGE, sourceName, "image is " + width + "x" + height
                    + " = " + pixels + " pixels, over the limit of " + limits.maxPixels());
        }
    }

    /** The provider's canonical lower-case name, "jpeg" for both the JDK and the TwelveMonkeys JPEG readers. */
    private static String formatName(ImageReader reader) {
        String[] names = reader.getOriginatingProvider().getFormatNames();
        return Arrays.stream(names)
                .map(name -> name.toLowerCase(Locale.ROOT))
                .filter(SUPPORTED_FORMATS::contains)
                .findFirst()
                .orElse(names[0].toLowerCase(Locale.ROOT));
    }
}
