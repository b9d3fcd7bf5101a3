package dev.munero.engine.build;

import dev.munero.engine.cache.FileHashCache;
import dev.munero.engine.cache.remote.RemoteCacheSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * @param remoteCache   the remote cache behind the local one (issue 16), if any; unused when {@code useCache} is false
 * @param nullBuild     collects the manifest that lets the launcher answer the same command again without Java when
 *                      nothing changed (issue 9), or null for a build that writes none (one not started from the CLI)
 */
public record BuildOptions(List<String> targets, int jobs, boolean keepGoing, boolean force, boolean useCache,
                           boolean streamOutput, Path cacheDir, Path stateDir, Map<String, String> env,
                           FileHashCache hashes, Optional<RemoteCacheSettings> remoteCache, NullBuild nullBuild) {
    public BuildOptions {
        targets = List.copyOf(targets);
        env = Map.copyOf(env);
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1, was " + jobs);
        }
        hashes = hashes == null ? new FileHashCache() : hashes;
        remoteCache = remoteCache == null ? Optional.empty() : remoteCache;
    }

    /** Options that write no null-build manifest. */
    public BuildOptions(List<String> targets, int jobs, boolean keepGoing, boolean force, boolean useCache,
                        boolean streamOutput, Path cacheDir, Path stateDir, Map<String, String> env,
                        FileHashCache hashes, Optional<RemoteCacheSettings> remoteCache) {
        this(targets, jobs, keepGoing, force, useCache, streamOutput, cacheDir, stateDir, env, hashes, remoteCache, null);
    }

    /** These options, collecting a null-build manifest into {@code collector}. */
    public BuildOptions withNullBuild(NullBuild collector) {
        return new BuildOptions(targets, jobs, keepGoing, force, useCache, streamOutput, cacheDir, stateDir, env, hashes,
                remoteCache, collector);
    }

    /** Options without a remote cache. */
    public BuildOptions(List<String> targets, int jobs, boolean keepGoing, boolean force, boolean useCache,
                        boolean streamOutput, Path cacheDir, Path stateDir, Map<String, String> env,
                        FileHashCache hashes) {
        this(targets, jobs, keepGoing, force, useCache, streamOutput, cacheDir, stateDir, env, hashes, Optional.empty());
    }

    /** Options with a file-hash memo of their own (one build). */
    public BuildOptions(List<String> targets, int jobs, boolean keepGoing, boolean force, boolean useCache,
                        boolean streamOutput, Path cacheDir, Path stateDir, Map<String, String> env) {
        this(targets, jobs, keepGoing, force, useCache, streamOutput, cacheDir, stateDir, env, null, Optional.empty());
    }
}
