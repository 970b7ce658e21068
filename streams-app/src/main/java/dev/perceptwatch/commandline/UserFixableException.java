package dev.perceptwatch.commandline;

/** A failure the user can fix (a server that does not answer, a script that failed): its message says how. */
public final class UserFixableException extends RuntimeException {
    public UserFixableException(String message) {
        super(message);
    }

    public UserFixableException(String message, Throwable cause) {
        super(message, cause);
    }
}
