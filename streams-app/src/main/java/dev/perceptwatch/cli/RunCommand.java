package dev.perceptwatch.cli;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.scoring.ScoringEngine;
import dev.perceptwatch.service.PerceptWatchService;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the service: scores perceptwatch.generations, aggregates, detects drift.",
                "Settings come from --config and PERCEPTWATCH_* environment variables (see the README)."})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with the settings.")
    Path config;
    @Option(names = "--check", description = "Only check the settings and the model (found on the model path, "
            + "its sha256 as expected), print what would run, and exit: 0 when the service would start. "
            + "Kafka and the registry are not contacted.")
    boolean check;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = Settings.load(config, System.getenv());
        if (check) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("settings ok; " + ScoringEngine.check(settings.scoring()));
            out.flush();
            return 0;
        }
        PerceptWatchService service = PerceptWatchService.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "perceptwatch-shutdown"));
        service.awaitStop();
        return service.state() == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
