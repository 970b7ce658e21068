package dev.perceptwatch.imaging;

import dev.perceptwatch.contract.RejectReason;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What to do when a generated image and its reference differ in size. */
public enum SizePolicy {
    /** Refuse the pair with {@link RejectReason#SIZE_MISMATCH} (the default). */
    REJECT("reject"),
    /** Resample the generated image to the reference size (Lanczos, see {@link ImagePair#align}). */
    RESIZE_TO_REFERENCE("resize-to-reference");

    private final String configName;

    SizePolicy(String configName) {
        this.configName = configName;
    }

    /** The spelling used in configuration. */
    public String configName() {
        return configName;
    }

    /** Parses "reject" or "resize-to-reference" (case-insensitive, surrounding blanks ignored). */
    public static SizePolicy parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(policy -> policy.configName.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown size policy '" + text + "', expected one of "
                        + Arrays.stream(values()).map(SizePolicy::configName).collect(Collectors.joining(", "))));
    }
}
