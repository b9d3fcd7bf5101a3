package dev.munero.engine.config;

import java.util.Optional;

/**
 * Global settings from munero.yaml's {@code settings:} (after the profile is applied). Empty
 * fields fall back to command-line flags, then to built-in defaults.
 *
 * @param jobs      parallel steps, empty for the number of available processors
 * @param keepGoing whether to continue independent branches after a failure
 * @param cacheDir  cache directory relative to the repository root, empty for {@code .munero/cache}
 */
public record BuildSettings(Optional<Integer> jobs, Optional<Boolean> keepGoing, Optional<String> cacheDir) {
    /** No setting given. */
    public static final BuildSettings DEFAULTS = new BuildSettings(Optional.empty(), Optional.empty(), Optional.empty());
}
