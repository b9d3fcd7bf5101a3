package dev.munero.engine.exec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The engine's one seam for how a step's process is launched: given the command line a step asks for, its working
 * directory and its environment, the command line and environment that are really started. {@link #DIRECT} starts
 * them as they are (a user's own {@code munero build}); a sandboxing launcher (the agent's bubblewrap sandbox) wraps
 * the command line and removes secrets from the environment, so that every step launched through it is contained.
 *
 * <p>{@link ProcessRunner} calls it once per process start, after resolving a bare program name on the step's
 * {@code PATH}. Implementations must be thread-safe (steps start in parallel).
 */
@FunctionalInterface
public interface ProcessLauncher {
    /** Starts steps as they are, with the environment they were given. */
    ProcessLauncher DIRECT = (argv, cwd, env) -> new Launch(argv, env);

    /**
     * What to start for one step.
     *
     * @param argv the step's program (already resolved to a path when found on its {@code PATH}) and arguments
     * @param cwd  the step's working directory, absolute
     * @param env  the step's complete environment
     * @return the command line and complete environment to start the process with
     */
    Launch prepare(List<String> argv, Path cwd, Map<String, String> env);

    /**
     * A prepared launch.
     *
     * @param argv program and arguments to start, not empty
     * @param env  the complete environment of the child
     */
    record Launch(List<String> argv, Map<String, String> env) {
        public Launch {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("a launch needs a program");
            }
        }
    }
}
