package dev.perceptwatch.bench;

import dev.perceptwatch.commandline.SamplePairs;
import dev.perceptwatch.commandline.ScoringOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every benchmark takes: its input, {@link SamplePairs} of one size from a folder of photographs, and the
 * scoring settings as options; and where its report goes.
 */
final class BenchOptions {
    @Option(names = "--size", defaultValue = "256", description = "Square image side in pixels (default 256).")
    int size;
    @Option(names = "--images", defaultValue = "../shared/images", description = "Photographs to cut pairs from.")
    Path images;
    @Option(names = "--pairs", defaultValue = "32", description = "Distinct pairs, cycled (default 32).")
    int pairs;
    @Mixin
    ScoringOptions scoring;
    /** The benchmark command this is mixed into, whose output the report goes to. */
    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    List<SamplePairs.Sample> load() {
        return SamplePairs.tiles(images, size, pairs);
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    /**
     * The main class of the command line the benchmark was started from (its root command), whose {@code run}
     * starts the service: the benchmarks know no command but their own.
     */
    String entryPoint() {
        return command.root().userObject().getClass().getName();
    }
}
