package dev.munero.engine.build;

import dev.munero.engine.cache.FileHashCache;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to run a build.
 *
 * @param targets       steps to build with their dependencies; empty for all
 * @param jobs          steps run at once, at least 1
 * @param keepGoing     after a failure, continue every step that does not depend on it
 * @param force         run every step even when its cache key matches (results are still stored)
 * @param useCache      false: neither restore nor store
 * @param streamOutput  send each output line to {@link BuildListener#stepOutput}
 * @param cacheDir      absolute cache directory
 * @param stateDir      absolute directory for reports, logs and the last-run state ({@code .munero})
 * @param env           the environment steps inherit (normally {@link System#getenv()})
 * @param hashes        file hashes to reuse; a long-lived process (the daemon) shares one across builds
 */
public record BuildOptions(List<String> targets, int jobs, boolean keepGoing, boolean force, boolean useCache,
                           boolean streamOutput, Path cacheDir, Path stateDir, Map<String, String> env,
                           FileHashCache hashes) {
    public BuildOptions {
        targets = List.copyOf(targets);
        env = Map.copyOf(env);
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1, was " + jobs);
        }
        hashes = hashes == null ? new FileHashCache() : hashes;
    }

    /** Options with a file-hash memo of their own (one build). */
    public BuildOptions(List<String> targets, int jobs, boolean keepGoing, boolean force, boolean useCache,
                        boolean streamOutput, Path cacheDir, Path stateDir, Map<String, String> env) {
        this(targets, jobs, keepGoing, force, useCache, streamOutput, cacheDir, stateDir, env, null);
    }
}
