package dev.perceptwatch.cli;

import dev.perceptwatch.config.SettingsException;
import dev.perceptwatch.scoring.ModelResolutionException;
import dev.perceptwatch.scoring.ScoringException;
import picocli.CommandLine;

/**
 * Turns the errors a user can fix (settings, a missing or altered model, a bad argument) into one clear line
 * and exit code 2, instead of a stack trace; anything else is a bug and keeps its trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed)
            throws Exception {
        if (e instanceof SettingsException || e instanceof ModelResolutionException || e instanceof ScoringException
                || e instanceof IllegalArgumentException) {
            commandLine.getErr().println("error: " + e.getMessage());
            commandLine.getErr().flush();
            return 2;
        }
        throw e;
    }
}
