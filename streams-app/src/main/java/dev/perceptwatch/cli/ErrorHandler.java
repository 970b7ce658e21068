package dev.perceptwatch.cli;

import dev.perceptwatch.commandline.Failures;
import dev.perceptwatch.commandline.UserFixableException;
import dev.perceptwatch.config.SettingsException;
import dev.perceptwatch.scoring.ModelResolutionException;
import dev.perceptwatch.scoring.ScoringException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * Every failure of a command as one line on stderr, {@code error: <cause and fix>}, and its stack trace only
 * with {@code --verbose}. Errors the user can fix (an option, a setting, a missing or altered model, a server
 * that does not answer, a path that cannot be read or written) exit with 2; anything else is unexpected, exits with 1 and says so.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static final String VERBOSE = "--verbose";

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
        PrintWriter err = commandLine.getErr();
        if (verbose(parsed)) {
            e.printStackTrace(err);
        }
        boolean fixable = e instanceof SettingsException || e instanceof ModelResolutionException
                || e instanceof ScoringException || e instanceof IllegalArgumentException
                || e instanceof UserFixableException || e instanceof FileSystemException;
        err.println("error: " + (e instanceof FileSystemException file ? describePath(file) : fixable ? Failures.describe(e)
                : e.getClass().getSimpleName() + ": " + Failures.describe(e) + " (unexpected: rerun with " + VERBOSE
                        + " for the stack trace)"));
        err.flush();
        return fixable ? 2 : 1;
    }

    /** A bad option or argument: the message and where the options are listed, instead of the whole usage. */
    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        if (Arrays.asList(args).contains(VERBOSE)) {
            e.printStackTrace(err);
        }
        String suggestion = "";
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                suggestion = "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        err.println("error: " + Failures.oneLine(e.getMessage()) + suggestion + " ('"
                + commandLine.getCommandSpec().qualifiedName() + " --help' lists the options)");
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult result = parsed; result != null; result = result.subcommand()) {
            if (result.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /** A path given on the command line that cannot be used: the path and why, in words. */
    private static String describePath(FileSystemException e) {
        String why = e instanceof NoSuchFileException ? "no such file or directory"
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileAlreadyExistsException ? "already exists (as a file, where a directory is needed?)"
                : e instanceof NotDirectoryException ? "not a directory"
                : e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
        return e.getFile() + (e.getOtherFile() == null ? "" : " -> " + e.getOtherFile()) + ": " + why;
    }
}
