package dev.perceptwatch.imaging;

/**
 * Renders a per-pixel distance map (e.g. LPIPS' spatial output) as a colour image: black for no difference,
 * through purple and orange to pale yellow for the largest value of the map. The scale is per map, so a
 * heatmap shows where a pair differs, not how much compared with another pair.
 */
public final class Heatmap {
    /** Anchors of matplotlib's "inferno" colormap at 0, 0.25, 0.5, 0.75 and 1. */
    private static final int[][] ANCHORS = {
            {0, 0, 4}, {87, 16, 110}, {188, 55, 84}, {249, 142, 9}, {252, 255, 164}};

    private Heatmap() {
    }

    public static RgbImage render(float[] map, int width, int height) {
        if (map.length != width * height) {
            throw new IllegalArgumentException("map has " + map.length + " values, not " + width + "x" + height);
        }
        float max = 0;
        for (float v : map) {
            max = Math.max(max, v);
        }
        byte[] rgb = new byte[map.length * 3];
        for (int i = 0; i < map.length; i++) {
            double t = max > 0 ? Math.max(0, map[i]) / max : 0;
            double position = t * (ANCHORS.length - 1);
            int low = Math.min((int) position, ANCHORS.length - 2);
            double f = position - low;
            for (int c = 0; c < 3; c++) {
                rgb[i * 3 + c] = (byte) Math.round(ANCHORS[low][c] + f * (ANCHORS[low + 1][c] - ANCHORS[low][c]));
            }
        }
        return new RgbImage(width, height, rgb);
    }
}
