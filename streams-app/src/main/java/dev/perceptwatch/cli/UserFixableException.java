package dev.perceptwatch.cli;

/** A failure the user can fix (a server that does not answer, a script that failed): its message says how. */
final class UserFixableException extends RuntimeException {
    UserFixableException(String message) {
        super(message);
    }

    UserFixableException(String message, Throwable cause) {
        super(message, cause);
    }
}
