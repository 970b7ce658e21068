package dev.perceptwatch.scoring;

import java.util.Locale;

/** Where ONNX Runtime runs a model: {@code cpu}, or {@code cuda:N} (GPU N) through the CUDA provider. */
public record ScoringDevice(Kind kind, int index) {

    public enum Kind { CPU, CUDA }

    public static final ScoringDevice CPU = new ScoringDevice(Kind.CPU, 0);

    public ScoringDevice {
        if (index < 0 || (kind == Kind.CPU && index != 0)) {
            throw new IllegalArgumentException("invalid device index " + index + " for " + kind);
        }
    }

    /** Parses {@code cpu}, {@code cuda} (GPU 0) or {@code cuda:N}. */
    public static ScoringDevice parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("cpu")) {
            return CPU;
        }
        if (value.equals("cuda")) {
            return new ScoringDevice(Kind.CUDA, 0);
        }
        if (value.matches("cuda:\\d{1,4}")) {
            return new ScoringDevice(Kind.CUDA, Integer.parseInt(value.substring(5)));
        }
        throw new IllegalArgumentException("unknown scoring device '" + text + "': use cpu, cuda or cuda:N");
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
