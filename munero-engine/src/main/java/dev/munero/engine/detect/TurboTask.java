package dev.munero.engine.detect;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One task definition of a turbo.json, after a package's own turbo.json was laid over the root's.
 *
 * <p>Immutable and thread-safe.
 *
 * @param key        the key it was declared under: {@code build}, {@code web#build} or {@code //#lint}
 * @param file       the turbo.json (relative to the repository root) that declared it last; errors name it
 * @param dependsOn  turbo's {@code dependsOn} entries as written: {@code ^task}, {@code task}, {@code pkg#task}
 * @param inputs     turbo's {@code inputs} globs relative to the package, empty when not declared (then the
 *                   package's default files are the inputs)
 * @param outputs    turbo's {@code outputs} globs relative to the package; {@code !} excludes
 * @param env        turbo's {@code env}: names (or {@code *} patterns, or {@code !} exclusions) of variables
 *                   whose values are part of the task's hash
 * @param cache      false: never cached
 * @param persistent true: a long-running process (a dev server); no other task may depend on it
 * @see <a href="https://turborepo.com/docs/reference/configuration">Turborepo configuration reference</a>
 */
record TurboTask(String key, Path file, List<String> dependsOn, Optional<List<String>> inputs, List<String> outputs,
                 List<String> env, boolean cache, boolean persistent) {

    TurboTask {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(file, "file");
        dependsOn = List.copyOf(dependsOn);
        inputs = inputs.map(List::copyOf);
        outputs = List.copyOf(outputs);
        env = List.copyOf(env);
    }
}
