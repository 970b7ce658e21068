package dev.perceptwatch.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Reproducible benchmarks; each ends with one JSON line of its figures.",
        subcommands = {ScoringBenchCommand.class, PipelineBenchCommand.class, ConsoleBenchCommand.class})
final class BenchCommand {
}
