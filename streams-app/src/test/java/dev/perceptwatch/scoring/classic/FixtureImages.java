package dev.perceptwatch.scoring.classic;

import dev.perceptwatch.imaging.Distortions;
import dev.perceptwatch.imaging.ImageDecoder;
import dev.perceptwatch.imaging.ImageEncoder;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.imaging.ImageRejectedException;
import dev.perceptwatch.imaging.RgbImage;
import dev.perceptwatch.testing.SharedFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The image pairs behind the classic-metric known answers: shared sample photos against deterministic
 * distortions made by {@link Distortions}. {@link #main} writes every image as PNG plus pairs.csv, for
 * make_fixtures.py to score independently; the known-answer test rebuilds the same images in memory.
 */
final class FixtureImages {

    /** A pair to score: names are keys of {@link #images()} and PNG file names in the fixture folder. */
    record Pair(String id, String generated, String reference) {
    }

    private static final List<String> PHOTOS = List.of(
            "astronaut.png", "camera.png", "chelsea.png", "coffee.png", "rocket.jpg", "hubble_deep_field.jpg");

    private static final Map<String, UnaryOperator<RgbImage>> DISTORTIONS = distortions();

    private final Map<String, RgbImage> images = new LinkedHashMap<>();
    private final List<Pair> pairs = new ArrayList<>();

    FixtureImages() throws ImageRejectedException {
        for (String photo : PHOTOS) {
            String reference = stem(photo) + ".png";
            RgbImage original = decodeShared(photo);
            images.put(reference, original);
            pairs.add(new Pair(stem(photo) + "/identical", reference, reference));
            for (Map.Entry<String, UnaryOperator<RgbImage>> distortion : DISTORTIONS.entrySet()) {
                String generated = stem(photo) + "__" + distortion.getKey() + ".png";
                images.put(generated, distortion.getValue().apply(original));
                pairs.add(new Pair(stem(photo) + "/" + distortion.getKey(), generated, reference));
            }
        }
        // The LPIPS triplet: 64x64, real distortions, too small for MS-SSIM (expected empty).
        images.put("ex_ref.png", decodeShared("ex_ref.png"));
        for (String distorted : List.of("ex_p0.png", "ex_p1.png")) {
            images.put(distorted, decodeShared(distorted));
            pairs.add(new Pair("lpips/" + stem(distorted), distorted, "ex_ref.png"));
        }
    }

    Map<String, RgbImage> images() {
        return images;
    }

    List<Pair> pairs() {
        return pairs;
    }

    /** Writes the images and pairs.csv into the folder given as the only argument. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: FixtureImages <output folder>");
        }
        Path folder = Files.createDirectories(Path.of(args[0]));
        FixtureImages fixtures = new FixtureImages();
        for (Map.Entry<String, RgbImage> image : fixtures.images.entrySet()) {
            Files.write(folder.resolve(image.getKey()), ImageEncoder.png(image.getValue()));
        }
        List<String> lines = new ArrayList<>(List.of("id,generated,reference"));
        fixtures.pairs.forEach(pair -> lines.add(pair.id() + "," + pair.generated() + "," + pair.reference()));
        Files.write(folder.resolve("pairs.csv"), lines);
        System.out.println("wrote " + fixtures.images.size() + " images and " + fixtures.pairs.size()
                + " pairs to " + folder.toAbsolutePath());
    }

    private static Map<String, UnaryOperator<RgbImage>> distortions() {
        Map<String, UnaryOperator<RgbImage>> distortions = new LinkedHashMap<>();
        distortions.put("blur-s2", image -> Distortions.gaussianBlur(image, 2.0));
        distortions.put("noise-s12", image -> Distortions.addGaussianNoise(image, 12.0, 20_240_611L));
        distortions.put("jpeg-q10", image -> Distortions.jpegReencode(image, 10));
        distortions.put("shift", image -> Distortions.colourShift(image, 12, -8, 5));
        return distortions;
    }

    private static RgbImage decodeShared(String name) throws ImageRejectedException {
        return ImageDecoder.decode(SharedFiles.imageBytes(name), name, ImageLimits.defaults());
    }

    private static String stem(String fileName) {
        return fileName.substring(0, fileName.lastIndexOf('.'));
    }
}
