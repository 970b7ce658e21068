package dev.perceptwatch.config;

/** An invalid or missing setting; the message names the key, so start-up can print it as is. */
public final class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }
}
