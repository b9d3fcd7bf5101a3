package dev.munero.engine.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One step of the build graph, as declared in munero.yaml or found by auto-detection.
 *
 * <p>Paths: {@code cwd} is relative to the repository root ({@code "."} for the root). Input and
 * output globs are relative to {@code cwd}; a glob starting with {@code /} is relative to the
 * repository root; a glob starting with {@code !} excludes. Globs use {@link java.nio.file.FileSystem#getPathMatcher}
 * glob syntax ({@code **} crosses directories).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name      unique step name, e.g. {@code compile} or {@code web:build}
 * @param command   what to run
 * @param cwd       working directory relative to the repository root, {@code "."} for the root
 * @param env       variables set for the process; names and values are part of the cache key
 * @param passEnv   variables taken from Munero's environment; names and values are part of the cache key
 * @param dependsOn names of steps that must succeed first
 * @param inputs    input globs; their files' contents are part of the cache key
 * @param outputs   output globs; matched files are stored in and restored from the cache
 * @param skipIf    the step is skipped when any condition holds
 * @param retry     retries with exponential backoff
 * @param timeout   wall-clock limit of one attempt, empty for none
 * @param parallel  false: the step runs alone, with no other step running
 * @param cache     false: never stored in or restored from the cache (always runs)
 * @param location  where the step was declared, empty when detected
 * @param packageDir the directory of the package (module, crate, project) the step belongs to, relative to the
 *                  repository root, when it differs from {@code cwd} (a Maven module built from its reactor
 *                  root); empty means {@code cwd}. Not part of the cache key: it only says which steps
 *                  {@code munero build} picks when run from inside that directory (see {@link #packageDirectory()})
 * @param batch     set on a detected Maven module's build step: the step may run inside one Maven invocation with
 *                  the other modules of its reactor that must rebuild at the same time (see {@link MavenBatch});
 *                  empty runs {@code command} alone. Not part of the cache key: the batched run builds the same
 *                  module with the same goals
 */
public record StepSpec(
        String name,
        Command command,
        String cwd,
        Map<String, String> env,
        List<String> passEnv,
        List<String> dependsOn,
        List<String> inputs,
        List<String> outputs,
        List<SkipCondition> skipIf,
        RetryPolicy retry,
        Optional<Duration> timeout,
        boolean parallel,
        boolean cache,
        Optional<SourceLocation> location,
        Optional<String> packageDir,
        Optional<MavenBatch> batch) {

    /**
     * How a Maven module's build step runs together with other modules of its reactor: as
     * {@code command -fae [-T n] -pl <selector>,<selector>,...} from the step's {@code cwd} (the reactor root).
     *
     * @param reactor     steps with the same reactor (its root directory, relative to the repository root) may
     *                    share one invocation
     * @param command     the reactor command without the module selection, e.g. {@code [mvn, -B, install, -DskipTests]}
     * @param selector    this module's {@code -pl} argument ({@code .} for the reactor root's own pom)
     * @param artifactId  the module's artifactId, as Maven names it in {@code Failed to execute goal ... on project X}
     * @param displayName the module's name in Maven's reactor summary: its {@code <name>}, else its artifactId
     */
    public record MavenBatch(String reactor, List<String> command, String selector, String artifactId, String displayName) {
        public MavenBatch {
            Objects.requireNonNull(reactor, "reactor");
            command = List.copyOf(command);
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(artifactId, "artifactId");
            Objects.requireNonNull(displayName, "displayName");
        }
    }

    public StepSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("step name must not be blank");
        }
        Objects.requireNonNull(command, "command of step " + name);
        cwd = cwd == null || cwd.isBlank() ? "." : cwd;
        env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(env));
        passEnv = passEnv == null ? List.of() : List.copyOf(passEnv);
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        inputs = inputs == null ? List.of("**") : List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        skipIf = skipIf == null ? List.of() : List.copyOf(skipIf);
        retry = retry == null ? RetryPolicy.NONE : retry;
        timeout = timeout == null ? Optional.empty() : timeout;
        location = location == null ? Optional.empty() : location;
        packageDir = packageDir == null ? Optional.empty() : packageDir;
        batch = batch == null ? Optional.empty() : batch;
        if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero())) {
            throw new IllegalArgumentException("timeout of step " + name + " must be positive, was " + timeout.get());
        }
    }

    /** The directory of the step's package relative to the root: {@code packageDir}, else {@code cwd}. */
    public String packageDirectory() {
        return packageDir.orElse(cwd);
    }

    /** A step with defaults for everything but name, command and dependencies. */
    public static StepSpec of(String name, Command command, List<String> dependsOn) {
        return builder(name, command).dependsOn(dependsOn).build();
    }

    /** A builder starting from defaults: cwd ".", inputs ["**"], no outputs, cached, parallel. */
    public static Builder builder(String name, Command command) {
        return new Builder(name, command);
    }

    /** A builder initialised with this step's fields. */
    public Builder toBuilder() {
        Builder b = new Builder(name, command);
        b.cwd = cwd;
        b.env = env;
        b.passEnv = passEnv;
        b.dependsOn = dependsOn;
        b.inputs = inputs;
        b.outputs = outputs;
        b.skipIf = skipIf;
        b.retry = retry;
        b.timeout = timeout;
        b.parallel = parallel;
        b.cache = cache;
        b.location = location;
        b.packageDir = packageDir;
        b.batch = batch;
        return b;
    }

    /** Builds {@link StepSpec}s; not thread-safe. */
    public static final class Builder {
        private String name;
        private Command command;
        private String cwd = ".";
        private Map<String, String> env = Map.of();
        private List<String> passEnv = List.of();
        private List<String> dependsOn = List.of();
        private List<String> inputs = List.of("**");
        private List<String> outputs = List.of();
        private List<SkipCondition> skipIf = List.of();
        private RetryPolicy retry = RetryPolicy.NONE;
        private Optional<Duration> timeout = Optional.empty();
        private boolean parallel = true;
        private boolean cache = true;
        private Optional<SourceLocation> location = Optional.empty();
        private Optional<String> packageDir = Optional.empty();
        private Optional<MavenBatch> batch = Optional.empty();

        private Builder(String name, Command command) {
            this.name = name;
            this.command = command;
        }

        public Builder name(String v) { this.name = v; return this; }
        public Builder command(Command v) { this.command = v; return this; }
        public Builder cwd(String v) { this.cwd = v; return this; }
        public Builder env(Map<String, String> v) { this.env = v; return this; }
        public Builder passEnv(List<String> v) { this.passEnv = v; return this; }
        public Builder dependsOn(List<String> v) { this.dependsOn = v; return this; }
        public Builder inputs(List<String> v) { this.inputs = v; return this; }
        public Builder outputs(List<String> v) { this.outputs = v; return this; }
        public Builder skipIf(List<SkipCondition> v) { this.skipIf = v; return this; }
        public Builder retry(RetryPolicy v) { this.retry = v; return this; }
        public Builder timeout(Duration v) { this.timeout = Optional.ofNullable(v); return this; }
        public Builder parallel(boolean v) { this.parallel = v; return this; }
        public Builder cache(boolean v) { this.cache = v; return this; }
        public Builder location(SourceLocation v) { this.location = Optional.ofNullable(v); return this; }
        public Builder packageDir(String v) { this.packageDir = Optional.ofNullable(v); return this; }
        public Builder batch(MavenBatch v) { this.batch = Optional.ofNullable(v); return this; }

        /**
         * @throws IllegalArgumentException when a field is invalid (the message names it)
         */
        public StepSpec build() {
            return new StepSpec(name, command, cwd, env, passEnv, dependsOn, inputs, outputs, skipIf, retry,
                    timeout, parallel, cache, location, packageDir, batch);
        }
    }
}
