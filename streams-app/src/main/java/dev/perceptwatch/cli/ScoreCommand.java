package dev.perceptwatch.cli;

import dev.perceptwatch.commandline.ScoringOptions;
import dev.perceptwatch.scoring.ReferenceCacheStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Scores generated images against their references, offline.",
                "Two files, a directory against one reference file, or two directories paired by file name.",
                "Prints one record per pair on stdout; errors, progress and a summary go to stderr.",
                "Exit code 1 when any pair failed."})
final class ScoreCommand implements Callable<Integer> {

    @Option(names = "--generated", required = true, paramLabel = "FILE|DIR", description = "Generated image(s).")
    Path generated;
    @Option(names = "--reference", required = true, paramLabel = "FILE|DIR", description = "Reference image(s).")
    Path reference;
    @Option(names = "--format", defaultValue = "csv", description = "csv (default) or jsonl.")
    ScoreRecordWriter.Format format;
    @Option(names = "--heatmaps", paramLabel = "DIR", description = "Also write each pair's LPIPS spatial map as a PNG heatmap here.")
    Path heatmaps;
    @Mixin
    ScoringOptions scoring;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<PairFiles.FilePair> pairs = PairFiles.list(generated, reference);
        PrintWriter err = spec.commandLine().getErr();
        if (heatmaps != null) {
            Files.createDirectories(heatmaps);
        }
        int failed;
        ReferenceCacheStats cache;
        try (PairScoringRun run = new PairScoringRun(scoring, err)) {
            ScoreRecordWriter writer = new ScoreRecordWriter(format, spec.commandLine().getOut()::println);
            failed = run.score(pairs, reference, writer, heatmaps, Files.isDirectory(generated));
            cache = run.referenceCacheStats();
        }
        if (cache.maxBytes() > 0) {
            err.printf("reference feature cache: %d pairs reused a reference's features, %d references computed%n",
                    cache.reused(), cache.computed());
        }
        spec.commandLine().getOut().flush();
        return failed > 0 ? 1 : 0;
    }
}
