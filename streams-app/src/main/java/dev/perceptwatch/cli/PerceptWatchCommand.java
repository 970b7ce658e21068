package dev.perceptwatch.cli;

import dev.perceptwatch.bench.BenchCommand;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Entry point of {@code perceptwatch.jar}: one subcommand per thing a user does. */
@Command(name = "perceptwatch",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Live perceptual quality monitoring for generative image models.",
        subcommands = {CommandLine.HelpCommand.class, ScoreCommand.class, RunCommand.class, BenchCommand.class,
                DriftEvalCommand.class, CorpusCommand.class, PublishCommand.class, PublishReferenceCommand.class, TailCommand.class,
                DemoCommand.class, ExamplesCommand.class})
public final class PerceptWatchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // Read by ErrorHandler from the parse result; the field only declares the option for every subcommand.
    @Option(names = ErrorHandler.VERBOSE, scope = ScopeType.INHERIT,
            description = "On failure, print the stack trace too (and, for the tools, the Kafka clients' warnings).")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line as main runs it: every failure reported by {@link ErrorHandler}. */
    static CommandLine commandLine() {
        ErrorHandler errors = new ErrorHandler();
        return new CommandLine(new PerceptWatchCommand())
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
    }

    public static void main(String[] args) {
        // A tool's failure is one line; the Kafka clients' warnings (one per reconnect to a broker that does not
        // answer) would bury it. The service keeps them: there they are the operator's log.
        boolean service = args.length > 0 && args[0].equals("run");
        if (!service && !Arrays.asList(args).contains(ErrorHandler.VERBOSE)) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        }
        System.exit(commandLine().execute(args));
    }
}
