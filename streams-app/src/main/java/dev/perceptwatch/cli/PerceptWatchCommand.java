package dev.perceptwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code perceptwatch.jar}: one subcommand per thing a user does. */
@Command(name = "perceptwatch",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Live perceptual quality monitoring for generative image models.",
        subcommands = {CommandLine.HelpCommand.class, ScoreCommand.class, RunCommand.class, BenchCommand.class,
                DriftEvalCommand.class, PublishCommand.class, PublishReferenceCommand.class, TailCommand.class,
                DemoCommand.class, ExamplesCommand.class})
public final class PerceptWatchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PerceptWatchCommand())
                .setExecutionExceptionHandler(new ErrorHandler())
                .execute(args));
    }
}
