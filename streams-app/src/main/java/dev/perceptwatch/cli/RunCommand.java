package dev.perceptwatch.cli;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.topology.PerceptWatchService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the service: scores perceptwatch.generations, aggregates, detects drift.",
                "Settings come from --config and PERCEPTWATCH_* environment variables (see the README)."})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with the settings.")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = Settings.load(config, System.getenv());
        PerceptWatchService service = PerceptWatchService.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "perceptwatch-shutdown"));
        service.awaitStop();
        return service.state() == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
