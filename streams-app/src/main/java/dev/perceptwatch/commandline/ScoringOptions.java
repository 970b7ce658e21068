package dev.perceptwatch.commandline;

import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.SettingsSource;
import dev.perceptwatch.imaging.ImageLimits;
import dev.perceptwatch.scoring.BatchListener;
import dev.perceptwatch.scoring.EncodedPairScorer;
import dev.perceptwatch.scoring.ScoringEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * The scoring settings as command-line options for the offline commands. Each option is the setting of the
 * same name, with the same default and validation, so offline and streaming scores agree: {@code --NAME} sets
 * {@code GROUP.NAME}, its value handed to the settings reader as a settings file would.
 */
@Command(modelTransformer = ScoringOptions.Declared.class)
public final class ScoringOptions {

    /** A setting offered as an option, and the option's help. */
    private record Setting(String key, String description) {
        String option() {
            return "--" + name();
        }

        /** The option's parameter label: its name in camel case, as picocli labels a field's option. */
        String label() {
            StringBuilder label = new StringBuilder();
            for (String word : name().split("-")) {
                label.append(label.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
            }
            return "<" + label + ">";
        }

        private String name() {
            return key.substring(key.indexOf('.') + 1);
        }
    }

    /** The one setting that takes a list: the option is repeatable, and comma-separated within one. */
    private static final Setting MODEL_PATH = new Setting("scoring.model-path",
            "Directories searched for the model before models/ and ../shared/models/.");
    private static final Setting BATCH_SIZE = new Setting("scoring.batch-size", "Pairs per model run (default 8).");

    private static final List<Setting> SETTINGS = List.of(
            new Setting("scoring.model", "Perceptual model: lpips-alex (default) or lpips-squeeze."),
            MODEL_PATH,
            new Setting("scoring.model-sha256",
                    "Expected sha256 of a model exported elsewhere (replaces the manifest's)."),
            new Setting("scoring.device", "cpu (default), cuda or cuda:N."),
            new Setting("scoring.device-fallback", "none (default: fail when the device is missing) or cpu."),
            new Setting("scoring.metrics",
                    "Metrics to compute (default all): lpips,feature_distance,mse,psnr,ssim,ms_ssim."),
            BATCH_SIZE,
            new Setting("scoring.max-wait", "Longest a pair waits for its batch to fill (default 20ms)."),
            new Setting("scoring.intra-op-threads",
                    "ONNX Runtime threads per model run (default: 1 on cpu, the number of cores on cuda)."),
            new Setting("scoring.batch-workers",
                    "Model runs at once on the one session (default: the number of cores on cpu, 1 on cuda)."),
            new Setting("scoring.reference-cache-bytes", "Bound of the reference feature cache in bytes (default: "
                    + "256 MiB, or a quarter of a heap under 1 GiB; at most half the heap; 0 turns it off; "
                    + "docs/SCORING.md)."),
            new Setting("processing.prep-threads",
                    "Threads decoding images and computing classic metrics (default: the number of cores)."),
            new Setting("imaging.size-policy", "reject (default) or resize-to-reference."),
            new Setting("imaging.max-bytes", "Largest encoded image accepted, in bytes (default 20 MiB)."),
            new Setting("imaging.max-pixels", "Largest image accepted, in pixels (default "
                    + ImageLimits.DEFAULT_MAX_PIXELS + ", 4096 x 4096)."));

    /** Adds an option for each setting to the command this is mixed into, which holds their values. */
    public static final class Declared implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            for (Setting setting : SETTINGS) {
                OptionSpec.Builder option = OptionSpec.builder(setting.option()).paramLabel(setting.label())
                        .description(setting.description());
                command.addOption(setting.equals(MODEL_PATH)
                        ? option.type(List.class).auxiliaryTypes(String.class).splitRegex(",").build()
                        : option.type(String.class).build());
            }
            return command;
        }
    }

    /** The command this is mixed into (or the mixin it is mixed into), whose command line has the options. */
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    /**
     * A command whose own option sizes the batches (bench scoring's --batch) makes that the batch size, unless
     * --batch-size was given too.
     */
    public void defaultBatchSize(int batch) {
        OptionSpec batchSize = option(BATCH_SIZE);
        if (batchSize.getValue() == null) {
            batchSize.setValue(Integer.toString(batch));
        }
    }

    private OptionSpec option(Setting setting) {
        return mixee.commandLine().getCommandSpec().findOption(setting.option());
    }

    private SettingsSource source() {
        return SettingsSource.of(values());
    }

    /** The options given, as {@code PERCEPTWATCH_*} variables, for a service started in-process with them. */
    public Map<String, String> asEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        values().forEach((key, value) -> environment.put(environmentName(key), value));
        return environment;
    }

    /** The PERCEPTWATCH_* variable that sets a settings key (README, Configuration). */
    public static String environmentName(String key) {
        return "PERCEPTWATCH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        for (Setting setting : SETTINGS) {
            Object value = option(setting).getValue();
            if (value instanceof List<?> list) {
                values.put(setting.key(), String.join(",", list.stream().map(String::valueOf).toList()));
            } else if (value != null) {
                values.put(setting.key(), value.toString());
            }
        }
        return values;
    }

    public ScoringEngine.Options engineOptions() {
        return Settings.scoring(source());
    }

    /** The encoded-pair scorer in front of an engine the caller opened; close the scorer, then the engine. */
    public EncodedPairScorer encodedScorer(ScoringEngine engine) {
        Settings.Imaging imaging = imaging();
        return new EncodedPairScorer(engine, imaging.limits(), imaging.sizePolicy(),
                Settings.processing(source()).prepThreads());
    }

    public Settings.Imaging imaging() {
        return Settings.imaging(source());
    }

    public ScoringEngine openEngine(BatchListener listener) {
        return ScoringEngine.open(engineOptions(), listener);
    }
}
