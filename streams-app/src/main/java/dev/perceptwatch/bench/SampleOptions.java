package dev.perceptwatch.bench;

import dev.perceptwatch.commandline.SamplePairs;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The benchmarks' input: {@link SamplePairs} of one size from a folder of photographs. */
final class SampleOptions {
    @Option(names = "--size", defaultValue = "256", description = "Square image side in pixels (default 256).")
    int size;
    @Option(names = "--images", defaultValue = "../shared/images", description = "Photographs to cut pairs from.")
    Path images;
    @Option(names = "--pairs", defaultValue = "32", description = "Distinct pairs, cycled (default 32).")
    int pairs;

    List<SamplePairs.Sample> load() {
        return SamplePairs.tiles(images, size, pairs);
    }
}
