package dev.perceptwatch.commandline;

/**
 * A failure as the one line a tool prints: the error handler's, and the reachability checks', which name the
 * cause they caught.
 */
public final class Failures {
    private Failures() {
    }

    /** The message, followed by those of its causes that it does not already contain. */
    public static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.getMessage() == null ? "" : failure.getMessage());
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && !message.isBlank() && !text.toString().contains(message)) {
                text.append(text.isEmpty() ? "" : ": ").append(message);
            }
        }
        return text.isEmpty() ? failure.getClass().getSimpleName() : oneLine(text.toString());
    }

    /** The text on one line: line breaks and the blanks around them become one space. */
    public static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
