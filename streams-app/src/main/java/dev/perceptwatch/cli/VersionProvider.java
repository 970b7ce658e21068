package dev.perceptwatch.cli;

import picocli.CommandLine;

/** Reads the version Maven wrote into the jar manifest, so it is never out of step with the build. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = PerceptWatchCommand.class.getPackage().getImplementationVersion();
        return new String[] {"perceptwatch " + (version == null ? "(development build)" : version)};
    }
}
