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
        checkSize(map, width, height);
        float max = max(map);
        byte[] rgb = new byte[map.length * 3];
        for (int i = 0; i < map.length; i++) {
            double t = max > 0 ? Math.max(0, map[i]) / max : 0;
            for (int c = 0; c < 3; c++) {
                rgb[i * 3 + c] = (byte) Math.round(colour(t, c));
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /**
     * The map over {@code image} (of the map's size), shown in gray: the more a pixel differs, the more of
     * the heat colour covers it, so the picture stays recognisable where the pair agrees.
     */
    public static RgbImage overlay(float[] map, RgbImage image) {
        checkSize(map, image.width(), image.height());
        float max = max(map);
        byte[] src = image.rgb();
        byte[] rgb = new byte[src.length];
        for (int i = 0; i < map.length; i++) {
            double t = max > 0 ? Math.max(0, map[i]) / max : 0;
            double gray = 0.299 * (src[i * 3] & 0xFF) + 0.587 * (src[i * 3 + 1] & 0xFF) + 0.114 * (src[i * 3 + 2] & 0xFF);
            double cover = 0.25 + 0.7 * t;
            for (int c = 0; c < 3; c++) {
                rgb[i * 3 + c] = (byte) Math.round((1 - cover) * gray + cover * colour(t, c));
            }
        }
        return new RgbImage(image.width(), image.height(), rgb);
    }

    private static double colour(double t, int channel) {
        double position = t * (ANCHORS.length - 1);
        int low = Math.min((int) position, ANCHORS.length - 2);
        double f = position - low;
        return ANCHORS[low][channel] + f * (ANCHORS[low + 1][channel] - ANCHORS[low][channel]);
    }

    private static void checkSize(float[] map, int width, int height) {
        if (map.length != width * height) {
            throw new IllegalArgumentException("map has " + map.length + " values, not " + width + "x" + height);
        }
    }

    private static float max(float[] map) {
        float max = 0;
        for (float v : map) {
            max = Math.max(max, v);
        }
        return max;
    }
}
