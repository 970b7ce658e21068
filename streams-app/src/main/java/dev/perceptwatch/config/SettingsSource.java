package dev.perceptwatch.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw settings: a properties file overridden by {@code PERCEPTWATCH_*} environment variables, with typed
 * reads that fail naming the key. Environment names map to keys by lower-casing and turning {@code _} into
 * {@code .}; since keys also contain {@code -} and {@code _}, a variable matches the known key whose normalised
 * form is equal (so {@code PERCEPTWATCH_SCORING_BATCH_SIZE} sets {@code scoring.batch-size} and
 * {@code PERCEPTWATCH_DRIFT_MS_SSIM_DIRECTION} sets {@code drift.ms_ssim.direction}), and any other
 * variable maps {@code _} to {@code .} (so {@code PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS} sets the pass-through
 * Kafka property {@code kafka.bootstrap.servers}).
 */
public final class SettingsSource {

    static final String ENV_PREFIX = "PERCEPTWATCH_";
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Map<String, String> values;
    private final Set<String> read = new HashSet<>();

    private SettingsSource(Map<String, String> values) {
        this.values = values;
    }

    /** Reads {@code file} (may be null) and applies {@code env} overrides for the given known keys. */
    static SettingsSource load(Path file, Map<String, String> env, Set<String> knownKeys) {
        Map<String, String> values = new TreeMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new SettingsException("cannot read settings file " + file + ": " + e.getMessage());
            }
            properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k).trim()));
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                values.put(keyForEnv(name.substring(ENV_PREFIX.length()), knownKeys), value.trim());
            }
        });
        return new SettingsSource(values);
    }

    public static SettingsSource of(Map<String, String> values) {
        return new SettingsSource(new TreeMap<>(values));
    }

    static String keyForEnv(String suffix, Set<String> knownKeys) {
        String dotted = suffix.toLowerCase(Locale.ROOT).replace('_', '.');
        return knownKeys.stream().filter(key -> key.replace('-', '.').replace('_', '.').equals(dotted))
                .findFirst().orElse(dotted);
    }

    String string(String key, String fallback) {
        read.add(key);
        String value = values.get(key);
        return value == null || value.isEmpty() ? fallback : value;
    }

    int intValue(String key, int fallback, int min, int max) {
        long value = parse(key, (long) fallback, Long::parseLong, "an integer");
        if (value < min || value > max) {
            throw new SettingsException(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return (int) value;
    }

    long longValue(String key, long fallback, long min) {
        long value = parse(key, fallback, Long::parseLong, "an integer");
        if (value < min) {
            throw new SettingsException(key + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    double doubleValue(String key, double fallback) {
        double value = parse(key, fallback, Double::parseDouble, "a number");
        if (!Double.isFinite(value)) {
            throw new SettingsException(key + " must be a finite number, got " + value);
        }
        return value;
    }

    boolean booleanValue(String key, boolean fallback) {
        String raw = string(key, null);
        if (raw == null) {
            return fallback;
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new SettingsException(key + " must be true or false, got '" + raw + "'");
        };
    }

    /** Durations as {@code 250ms}, {@code 30s}, {@code 1m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT1M}). */
    public Duration duration(String key, Duration fallback) {
        String raw = string(key, null);
        if (raw == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(raw.toLowerCase(Locale.ROOT));
        Duration value;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            value = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                value = Duration.parse(raw.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new SettingsException(key + " must be a duration such as 250ms, 30s or 1m, got '" + raw + "'");
            }
        }
        if (value.isNegative()) {
            throw new SettingsException(key + " must not be negative, got '" + raw + "'");
        }
        return value;
    }

    /** Comma-separated list; empty entries are dropped. */
    List<String> list(String key, List<String> fallback) {
        String raw = string(key, null);
        if (raw == null) {
            return fallback;
        }
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    <E extends Enum<E>> E enumValue(String key, E fallback, Function<String, E> parser) {
        String raw = string(key, null);
        if (raw == null) {
            return fallback;
        }
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(key + ": " + e.getMessage());
        }
    }

    /** Every entry under {@code prefix}, with the prefix removed (for pass-through client properties). */
    Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                read.add(k);
                result.put(k.substring(prefix.length()), v);
            }
        });
        return result;
    }

    /** Keys that were set but never read: almost always a typo, so start-up refuses them. */
    Set<String> unreadKeys() {
        Set<String> unread = new java.util.TreeSet<>(values.keySet());
        unread.removeAll(read);
        return unread;
    }

    private <T> T parse(String key, T fallback, Function<String, T> parser, String what) {
        String raw = string(key, null);
        if (raw == null) {
            return fallback;
        }
        try {
            return parser.apply(raw);
        } catch (NumberFormatException e) {
            throw new SettingsException(key + " must be " + what + ", got '" + raw + "'");
        }
    }
}
