package dev.perceptwatch.cli;

import dev.perceptwatch.config.SettingsException;
import dev.perceptwatch.config.SettingsSource;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/** Durations on the command line as in the settings: 250ms, 30s, 3m, 2h, 1d or ISO-8601 (PT3M). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return SettingsSource.of(Map.of("duration", value)).duration("duration", null);
        } catch (SettingsException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 250ms, 30s or 3m");
        }
    }
}
