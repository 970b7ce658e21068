package dev.perceptwatch.commandline;

import dev.perceptwatch.imaging.Distortions;
import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.ImageRejectedException;
import dev.perceptwatch.imaging.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reference/generated pairs made from a directory of photographs, for benchmarks and the demo: square tiles
 * of the given size cut from every image large enough, each paired with a distorted copy (blur, noise, JPEG
 * re-encode or colour shift, in turn), both PNG-encoded as a producer would send them.
 */
public final class SamplePairs {

    /** An encoded pair and how the generated image was made. */
    public record Sample(byte[] reference, byte[] generated, String distortion) {
    }

    private SamplePairs() {
    }

    public static List<Sample> tiles(Path directory, int size, int maxPairs) {
        List<Sample> samples = new ArrayList<>();
        for (RgbImage tile : cleanTiles(directory, size, maxPairs)) {
            String distortion = DISTORTIONS.get(samples.size() % DISTORTIONS.size());
            samples.add(new Sample(ImageEncoder.png(tile),
                    ImageEncoder.png(distort(tile, distortion, samples.size())), distortion));
        }
        return samples;
    }

    /** Up to {@code maxTiles} undistorted square tiles, row by row from each photograph in name order. */
    public static List<RgbImage> cleanTiles(Path directory, int size, int maxTiles) {
        List<RgbImage> tiles = new ArrayList<>();
        for (RgbImage photo : photos(directory)) {
            for (int y = 0; y + size <= photo.height(); y += size) {
                for (int x = 0; x + size <= photo.width(); x += size) {
                    if (tiles.size() == maxTiles) {
                        return tiles;
                    }
                    tiles.add(photo.crop(x, y, size, size));
                }
            }
        }
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("no image in " + directory + " is at least " + size + "x" + size);
        }
        return tiles;
    }

    /** The distortions of the generated images, in turn. */
    public static final List<String> DISTORTIONS = List.of("blur", "noise", "jpeg", "colour");

    public static RgbImage distort(RgbImage image, String distortion, long seed) {
        return switch (distortion) {
            case "blur" -> Distortions.gaussianBlur(image, 1.5);
            case "noise" -> Distortions.addGaussianNoise(image, 8, seed);
            case "jpeg" -> Distortions.jpegReencode(image, 30);
            case "colour" -> Distortions.colourShift(image, 12, -6, 4);
            default -> throw new IllegalArgumentException("unknown distortion " + distortion);
        };
    }

    /** The decodable images of a directory, in name order; other files are skipped. */
    public static List<RgbImage> photos(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            List<RgbImage> photos = new ArrayList<>();
            for (Path file : files.sorted().toList()) {
                try {
                    photos.add(ImageDecoder.decode(Files.readAllBytes(file), file.toString(), ImageLimits.defaults()));
                } catch (ImageRejectedException e) {
                    // Not an image (a README, a deliberately broken file): not a sample.
                }
            }
            return photos;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read images from " + directory, e);
        }
    }
}
