package dev.perceptwatch.bench;

import picocli.CommandLine.Command;

/** The benchmarks, one subcommand each; the command line registers this as its {@code bench}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Reproducible benchmarks; each ends with one JSON line of its figures.",
        subcommands = {ScoringBenchCommand.class, PipelineBenchCommand.class, ConsoleBenchCommand.class})
public final class BenchCommand {
}
