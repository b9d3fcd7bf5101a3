package dev.munero.agent.safety;

import dev.munero.engine.exec.ProcessLauncher;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where the commands an agent causes run — {@code run_command}, the steps of the {@code build} tool and the checks
 * of {@code munero run}, all through {@link #launcher(Path)}:
 * <ul>
 *   <li>{@link Bubblewrap}: inside bubblewrap (the boundary; see its doc for every flag);</li>
 *   <li>{@link Unavailable}: {@code --sandbox auto} where bubblewrap cannot start; commands run as the user, so
 *       {@code run_command} runs only commands on the allow list ({@link #refusesUnlisted()});</li>
 *   <li>{@link None}: {@code --sandbox off}; commands run as the user and can read and change what the user can.</li>
 * </ul>
 * Every launch gets the environment scrubbed of secrets ({@link EnvironmentScrubber}), whichever the variant.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Sandbox {

    /**
     * The command line that runs {@code argv} in this sandbox.
     *
     * @param argv      program and arguments, e.g. {@code [sh, -c, mvn test]}
     * @param workspace the workspace root (absolute); the only writable directory (its git directory excepted)
     * @param cwd       the working directory, the workspace or a directory in it
     * @param env       the command's environment (its {@code HOME} is the home directory that is hidden)
     * @return the argv to start; {@code argv} itself when commands are not contained
     */
    List<String> wrap(List<String> argv, Path workspace, Path cwd, Map<String, String> env);

    /** {@link #wrap(List, Path, Path, Map)} in the workspace root with this process's environment. */
    default List<String> wrap(List<String> argv, Path workspace) {
        return wrap(argv, workspace, workspace, EnvironmentScrubber.scrub(System.getenv()));
    }

    /**
     * The command line that runs a coding-agent CLI worker ({@code dev.munero.agent.worker}) in this sandbox: as
     * {@link #wrap(List, Path, Path, Map)} in the workspace, except that the network is shared (the CLI must reach its
     * model API), the worker's own {@code home} is writable (its configuration and sessions; the user's home stays
     * hidden), and each of {@code readOnly} (the CLI's installation) is bound back read-only.
     *
     * @param argv      the CLI's program and arguments
     * @param workspace the workspace root (absolute)
     * @param home      the worker's home directory (absolute, existing), outside the workspace
     * @param readOnly  directories the CLI needs to read that may lie in a hidden place
     * @param env       the CLI's environment (its {@code HOME} is {@code home})
     * @return the argv to start; {@code argv} itself when commands are not contained
     */
    default List<String> wrapWorker(List<String> argv, Path workspace, Path home, List<Path> readOnly,
                                    Map<String, String> env) {
        return wrap(argv, workspace, workspace, env);
    }

    /** A short description for messages, e.g. {@code bubblewrap (/usr/bin/bwrap)}. */
    String describe();

    /** Whether commands are contained (only {@link Bubblewrap}). */
    default boolean contains() {
        return false;
    }

    /** Whether {@code run_command} must refuse every command off the allow list ({@link Unavailable}). */
    default boolean refusesUnlisted() {
        return false;
    }

    /**
     * The engine launcher for steps an agent causes in {@code workspace}: each step is wrapped by
     * {@link #wrap(List, Path, Path, Map)} and gets its environment scrubbed of secrets.
     */
    default ProcessLauncher launcher(Path workspace) {
        Path root = workspace.toAbsolutePath().normalize();
        return (argv, cwd, env) -> {
            Map<String, String> scrubbed = EnvironmentScrubber.scrub(env);
            return new ProcessLauncher.Launch(wrap(argv, root, cwd, scrubbed), scrubbed);
        };
    }

    /** No sandbox ({@code --sandbox off}): commands run as the user, with the user's file system and network. */
    static Sandbox none() {
        return new None();
    }

    /**
     * Bubblewrap ({@code bwrap}, https://github.com/containers/bubblewrap), found on {@code PATH}, with the default
     * caches bound back.
     *
     * @throws SandboxUnavailableException when {@code bwrap} is not installed or cannot start a sandbox here
     */
    static Sandbox bubblewrap() throws SandboxUnavailableException {
        return bubblewrap(SandboxSettings.DEFAULTS);
    }

    /**
     * Bubblewrap with {@code settings}.
     *
     * @throws SandboxUnavailableException when {@code bwrap} is not installed or cannot start a sandbox here (no user
     *                                     namespaces, a container without the privilege); the message says why
     */
    static Sandbox bubblewrap(SandboxSettings settings) throws SandboxUnavailableException {
        Path bwrap = findBwrap().orElseThrow(() -> new SandboxUnavailableException(
                "the sandbox needs bubblewrap, and bwrap is not on the PATH: apt-get install bubblewrap "
                        + "(or dnf install bubblewrap, pacman -S bubblewrap)"));
        Optional<String> broken = Bubblewrap.probe(bwrap);
        if (broken.isPresent()) {
            throw new SandboxUnavailableException("bubblewrap (" + bwrap + ") cannot start a sandbox here: "
                    + broken.get() + " (it needs unprivileged user namespaces, e.g. sysctl "
                    + "kernel.unprivileged_userns_clone=1, or a container started with them)");
        }
        return new Bubblewrap(bwrap, settings);
    }

    /**
     * The sandbox for {@code mode}.
     *
     * @return bubblewrap for {@code on}, and for {@code auto} where it starts; {@link Unavailable} for {@code auto}
     *         where it does not; {@link None} for {@code off}
     * @throws SandboxUnavailableException for {@code on} where bubblewrap cannot start
     */
    static Sandbox select(SandboxMode mode, SandboxSettings settings) throws SandboxUnavailableException {
        return switch (mode) {
            case OFF -> none();
            case ON -> bubblewrap(settings);
            case AUTO -> {
                try {
                    yield bubblewrap(settings);
                } catch (SandboxUnavailableException e) {
                    yield new Unavailable(e.getMessage());
                }
            }
        };
    }

    /** Whether {@code bwrap} is on this process's {@code PATH} and starts a sandbox here. */
    static boolean bubblewrapAvailable() {
        return findBwrap().map(b -> Bubblewrap.probe(b).isEmpty()).orElse(false);
    }

    private static Optional<Path> findBwrap() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "bwrap");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs commands as they are ({@code --sandbox off}). */
    record None() implements Sandbox {
        @Override
        public List<String> wrap(List<String> argv, Path workspace, Path cwd, Map<String, String> env) {
            return List.copyOf(argv);
        }

        @Override
        public String describe() {
            return "none: commands run unsandboxed, as you";
        }
    }

    /**
     * {@code --sandbox auto} where bubblewrap cannot start: commands run as they are, and {@code run_command} runs
     * only those on the allow list.
     *
     * @param reason why bubblewrap cannot start, with what to install
     */
    record Unavailable(String reason) implements Sandbox {
        @Override
        public List<String> wrap(List<String> argv, Path workspace, Path cwd, Map<String, String> env) {
            return List.copyOf(argv);
        }

        @Override
        public boolean refusesUnlisted() {
            return true;
        }

        @Override
        public String describe() {
            return "none (" + reason + "); only commands on the allow list run — --sandbox off runs the others "
                    + "unsandboxed, as you";
        }
    }

    /**
     * Bubblewrap. The argument list, in order (later mounts lie on top of earlier ones):
     * <ul>
     *   <li>{@code --ro-bind / /}: the system is visible, nothing of it writable;</li>
     *   <li>{@code --dev /dev}: a minimal {@code /dev} (null, zero, random, tty, shm), no host devices;</li>
     *   <li>{@code --proc /proc}: a fresh {@code /proc} of the new PID namespace: no process outside is visible, so
     *       no {@code /proc/<munero>/environ};</li>
     *   <li>{@code --tmpfs /tmp}: a private, empty {@code /tmp};</li>
     *   <li>{@code --tmpfs PARENT}: the workspace's parent directory hidden (its neighbours: other checkouts, other
     *       runs' worktrees, a secret next to it), and for a linked worktree the parent of its main repository too,
     *       unless a {@code PATH} directory or {@code JAVA_HOME} lies in it, or it is {@code /};</li>
     *   <li>{@code --tmpfs /run} (and {@code /var/run} when it is not a link to it): no host socket (the Docker
     *       daemon's, SSH and GPG agents', the session bus), which a read-only mount would still let a command
     *       connect to;</li>
     *   <li>{@code --tmpfs $HOME}: the home directory hidden (SSH keys, the user config with its API key, cloud
     *       credentials); {@code $XDG_CONFIG_HOME} too when it lies elsewhere, and {@code $MUNERO_CONFIG} replaced
     *       by an empty file;</li>
     *   <li>{@code --ro-bind-try CACHE CACHE} (or {@code --bind-try} when {@link SandboxSettings#cachesWritable()})
     *       for each build cache ({@link SandboxSettings#caches()}) in a hidden place, so builds find their
     *       dependencies offline; and {@code --ro-bind-try} for {@code JAVA_HOME} and each {@code PATH} directory in a
     *       hidden place (a JDK from SDKMAN, {@code ~/.local/bin}), so the user's tools are found;</li>
     *   <li>{@code --bind WS WS}: the workspace, read-write;</li>
     *   <li>{@code --ro-bind GITDIR GITDIR}: the workspace's git directory read-only, and for a worktree its
     *       {@code .git} file, its git dir and the main repository's common dir (hooks, config), so no command can
     *       plant a hook or a {@code core.fsmonitor} that would run outside at the user's next {@code git} command;</li>
     *   <li>{@code --unshare-pid --unshare-ipc --unshare-uts --unshare-net}: own process tree, System V IPC, host
     *       name, and no network at all (not even 127.0.0.1);</li>
     *   <li>{@code --new-session}: no {@code TIOCSTI} injection into the user's terminal;</li>
     *   <li>{@code --die-with-parent}: the sandbox dies with Munero;</li>
     *   <li>{@code --cap-drop ALL}: no capability, even for root (no remounting a read-only bind read-write);</li>
     *   <li>{@code --chdir CWD --}, then the command.</li>
     * </ul>
     *
     * @param bwrap    the {@code bwrap} executable
     * @param settings the caches bound back
     */
    record Bubblewrap(Path bwrap, SandboxSettings settings) implements Sandbox {
        private static final Map<Path, Optional<String>> PROBED = new ConcurrentHashMap<>();
        private static final List<String> ISOLATION = List.of("--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--unshare-net", "--new-session", "--die-with-parent", "--cap-drop", "ALL");

        /** With the default caches. */
        public Bubblewrap(Path bwrap) {
            this(bwrap, SandboxSettings.DEFAULTS);
        }

        @Override
        public List<String> wrap(List<String> argv, Path workspace, Path cwd, Map<String, String> env) {
            return build(argv, workspace, cwd, env, null, List.of(), false);
        }

        /**
         * {@inheritDoc} The user's home ({@code user.home}) is hidden as for any command; {@code --unshare-net} is
         * left out; {@code --bind HOME HOME} and {@code --ro-bind-try} of each read-only path come after the hidden
         * places and before the workspace.
         */
        @Override
        public List<String> wrapWorker(List<String> argv, Path workspace, Path home, List<Path> readOnly,
                                       Map<String, String> env) {
            Map<String, String> hiding = new java.util.HashMap<>(env);
            hiding.put("HOME", System.getProperty("user.home"));
            return build(argv, workspace, workspace, hiding, home.toAbsolutePath().normalize(), readOnly, true);
        }

        private List<String> build(List<String> argv, Path workspace, Path cwd, Map<String, String> env,
                                   Path workerHome, List<Path> readOnly, boolean network) {
            Path ws = workspace.toAbsolutePath().normalize();
            List<String> out = new ArrayList<>(List.of(bwrap.toString(),
                    "--ro-bind", "/", "/",
                    "--dev", "/dev",
                    "--proc", "/proc",
                    "--tmpfs", "/tmp"));
            List<Path> toolchains = toolchains(env);
            List<Path> gitPaths = gitPaths(ws);
            List<Path> neighbourhoods = new ArrayList<>();
            neighbourhoods.add(ws.getParent());
            if (gitPaths.size() > 1 && gitPaths.get(1).getFileName() != null
                    && gitPaths.get(1).getFileName().toString().equals(".git")) {
                neighbourhoods.add(gitPaths.get(1).getParent().getParent()); // a linked worktree's main repository's
            }
            List<Path> hidden = new ArrayList<>();
            for (Path parent : neighbourhoods) {
                if (parent != null && parent.getParent() != null && !ws.equals(parent)
                        && toolchains.stream().noneMatch(t -> t.startsWith(parent))) {
                    hidden.add(parent); // the neighbours: other checkouts, other runs' worktrees, secrets
                }
            }
            for (String run : List.of("/run", "/var/run")) {
                Path p = Path.of(run);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    hidden.add(p); // sockets: docker.sock, ssh and gpg agents, the session bus (connectable read-only)
                }
            }
            Path home = directory(env.get("HOME"));
            if (home != null && home.getParent() != null) {
                hidden.add(home);
            }
            Path xdg = directory(env.get("XDG_CONFIG_HOME"));
            if (xdg != null && xdg.getParent() != null && !ws.startsWith(xdg)) {
                hidden.add(xdg);
            }
            for (Path h : hidden) {
                if (hidden.stream().noneMatch(other -> other != h && h.startsWith(other) && !other.equals(h))) {
                    out.addAll(List.of("--tmpfs", h.toString()));
                }
            }
            String config = env.get("MUNERO_CONFIG");
            if (config != null && !config.isBlank() && Path.of(config).isAbsolute()
                    && Files.isRegularFile(Path.of(config))) {
                out.addAll(List.of("--ro-bind", "/dev/null", Path.of(config).normalize().toString()));
            }
            for (String cache : settings.caches()) {
                Path p = SandboxSettings.resolve(cache, env);
                if (p != null && hidden.stream().anyMatch(p::startsWith) && !hidden.contains(p)) {
                    add(out, settings.cachesWritable() ? "--bind-try" : "--ro-bind-try", p);
                }
            }
            for (Path t : toolchains) {
                if (hidden.stream().anyMatch(t::startsWith)) {
                    add(out, "--ro-bind-try", t);
                }
            }
            for (Path p : readOnly) {
                add(out, "--ro-bind-try", p.toAbsolutePath().normalize());
            }
            if (workerHome != null) {
                add(out, "--bind", workerHome);
            }
            add(out, "--bind", ws);
            for (Path git : gitPaths) {
                add(out, "--ro-bind", git);
            }
            out.addAll(network ? ISOLATION.stream().filter(f -> !f.equals("--unshare-net")).toList() : ISOLATION);
            out.addAll(List.of("--chdir", cwd.toAbsolutePath().normalize().toString(), "--"));
            out.addAll(argv);
            return List.copyOf(out);
        }

        @Override
        public boolean contains() {
            return true;
        }

        @Override
        public String describe() {
            return "bubblewrap (" + bwrap + ")";
        }

        private static void add(List<String> out, String flag, Path p) {
            out.add(flag);
            out.add(p.toString());
            out.add(p.toString());
        }

        /** {@code JAVA_HOME} and the {@code PATH} directories: bound back read-only where they lie in a hidden place. */
        private static List<Path> toolchains(Map<String, String> env) {
            List<Path> out = new ArrayList<>();
            Path javaHome = directory(env.get("JAVA_HOME"));
            if (javaHome != null) {
                out.add(javaHome);
            }
            for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path p = directory(dir);
                if (p != null) {
                    out.add(p);
                }
            }
            return out;
        }

        private static Path directory(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            Path p = Path.of(value);
            return p.isAbsolute() && Files.isDirectory(p) ? p.normalize() : null;
        }

        /**
         * The git paths to keep read-only for a workspace: the nearest {@code .git} at or above it; when that is a
         * file (a worktree or a submodule), the file itself, the git dir it names and that dir's common dir.
         */
        static List<Path> gitPaths(Path workspace) {
            List<Path> out = new ArrayList<>();
            for (Path dir = workspace; dir != null; dir = dir.getParent()) {
                Path dotGit = dir.resolve(".git");
                if (Files.isDirectory(dotGit, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(dotGit);
                    return out;
                }
                if (Files.isSymbolicLink(dotGit) || Files.isRegularFile(dotGit, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(dotGit);
                    try {
                        Path real = dotGit.toRealPath();
                        if (Files.isDirectory(real)) {
                            out.add(real);
                            return out;
                        }
                        String text = Files.readString(real, StandardCharsets.UTF_8).strip();
                        if (text.startsWith("gitdir:")) {
                            Path gitDir = dir.resolve(text.substring("gitdir:".length()).strip()).normalize();
                            Path commonFile = gitDir.resolve("commondir");
                            if (Files.isRegularFile(commonFile)) {
                                out.add(gitDir.resolve(Files.readString(commonFile, StandardCharsets.UTF_8).strip())
                                        .normalize());
                            }
                            out.add(gitDir);
                        }
                    } catch (IOException e) {
                        // an unreadable .git file: the file itself stays read-only
                    }
                    return out.stream().filter(p -> Files.exists(p)).distinct().toList();
                }
            }
            return out;
        }

        /**
         * Whether {@code bwrap} starts a sandbox with these flags here (once per executable and process): empty
         * when it does, else what it said.
         */
        static Optional<String> probe(Path bwrap) {
            return PROBED.computeIfAbsent(bwrap, b -> {
                List<String> argv = new ArrayList<>(List.of(b.toString(), "--ro-bind", "/", "/", "--dev", "/dev",
                        "--proc", "/proc", "--tmpfs", "/tmp"));
                argv.addAll(ISOLATION);
                argv.addAll(List.of("--", "true"));
                try {
                    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
                    p.getOutputStream().close();
                    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    if (!p.waitFor(60, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        return Optional.of("bwrap did not finish a trivial command within 60 s");
                    }
                    return p.exitValue() == 0 ? Optional.empty()
                            : Optional.of(said.isEmpty() ? "bwrap exited with " + p.exitValue() : said);
                } catch (IOException e) {
                    return Optional.of(e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.of("interrupted while trying bwrap");
                }
            });
        }
    }
}
