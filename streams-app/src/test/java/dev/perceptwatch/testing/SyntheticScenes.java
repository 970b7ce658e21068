package dev.perceptwatch.testing;

import dev.perceptwatch.imaging.RgbImage;
import java.util.Random;

/**
 * Landscapes drawn from a seed (sky, sun, two mountain ridges, a house with windows, grass), for tests whose
 * pictures may be published: the console's screenshots in the docs show these, never the sample photographs
 * of /work/shared. They have edges and fine texture, so a blur moves LPIPS and shows in its spatial map.
 */
public final class SyntheticScenes {
    private SyntheticScenes() {
    }

    public static RgbImage scene(int size, long seed) {
        Random random = new Random(seed);
        double sunX = size * (0.55 + 0.3 * random.nextDouble());
        double sunY = size * (0.12 + 0.1 * random.nextDouble());
        double sunR = size * 0.08;
        double[] far = ridge(random, size, 0.42, 0.08);
        double[] near = ridge(random, size, 0.6, 0.06);
        int houseX = (int) (size * (0.12 + 0.2 * random.nextDouble()));
        int houseW = size / 4;
        int houseTop = (int) (size * 0.58);
        int houseBottom = (int) (size * 0.82);
        byte[] rgb = new byte[size * size * 3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double t = (double) y / size;
                int r = (int) (90 + 110 * t);
                int g = (int) (150 + 80 * t);
                int b = 235;
                double sun = Math.hypot(x - sunX, y - sunY) - sunR;
                if (sun < 0) {
                    r = 255;
                    g = 214;
                    b = 90;
                } else if (sun < size * 0.04) {
                    double glow = 1 - sun / (size * 0.04);
                    r += (int) ((255 - r) * 0.5 * glow);
                    g += (int) ((230 - g) * 0.5 * glow);
                }
                if (y > far[x]) {
                    r = 104;
                    g = 118;
                    b = 150;
                    if (y < far[x] + size * 0.03) {
                        r = g = b = 238;
                    }
                }
                if (y > near[x]) {
                    int grass = random.nextInt(40);
                    r = 50 + grass / 2;
                    g = 120 + grass;
                    b = 45;
                }
                if (x >= houseX && x < houseX + houseW && y >= houseTop && y < houseBottom) {
                    boolean window = (x - houseX) % (houseW / 4) > houseW / 12 && (y - houseTop) % (size / 12) > size / 36;
                    r = window ? 250 : 180;
                    g = window ? 236 : 70;
                    b = window ? 150 : 50;
                } else if (y < houseTop && y >= houseTop - houseW / 2
                        && Math.abs(x - houseX - houseW / 2.0) < (y - (houseTop - houseW / 2.0)) + 1) {
                    r = 90;
                    g = 40;
                    b = 35;
                }
                int i = 3 * (y * size + x);
                rgb[i] = (byte) Math.min(255, r);
                rgb[i + 1] = (byte) Math.min(255, g);
                rgb[i + 2] = (byte) Math.min(255, b);
            }
        }
        return new RgbImage(size, size, rgb);
    }

    /** The height of a ridge at each column: a sum of three sines with random phases. */
    private static double[] ridge(Random random, int size, double level, double amplitude) {
        double[] phase = {random.nextDouble() * 6.28, random.nextDouble() * 6.28, random.nextDouble() * 6.28};
        double[] heights = new double[size];
        for (int x = 0; x < size; x++) {
            double u = (double) x / size * 6.28;
            heights[x] = size * (level + amplitude * (Math.sin(u + phase[0]) + 0.5 * Math.sin(3 * u + phase[1])
                    + 0.25 * Math.sin(7 * u + phase[2])));
        }
        return heights;
    }
}
