package dev.munero.engine.exec;

import dev.munero.engine.AtomicFiles;
import dev.munero.engine.FileStamps;
import dev.munero.engine.cache.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a package's npm script without starting npm, as {@code bun run} does: a step whose argv is exactly
 * {@code npm run <script>} (or {@code npm run-script <script>}) in a directory whose package.json has that
 * script becomes {@code /bin/sh -c <script>} in the same directory, with the environment npm gives a script.
 * npm's own start-up (a Node process, 0.2 to 0.5 s of CPU) is most of a small script's cost.
 *
 * <p>The environment, as npm 7+ builds it ({@code @npmcli/run-script}: {@code make-spawn-args.js},
 * {@code set-path.js}, {@code package-envs.js}):
 * <ul>
 *   <li>{@code PATH}: {@code node_modules/.bin} of the package directory and of every ancestor up to the
 *       file system root, closest first, then npm's own additions (its {@code node-gyp-bin}), then the step's
 *       {@code PATH};</li>
 *   <li>{@code npm_lifecycle_event} (the script's name: {@code prebuild}, {@code build}, {@code postbuild}),
 *       {@code npm_lifecycle_script} (its text), {@code npm_package_json}, {@code npm_package_name},
 *       {@code npm_package_version}, and {@code npm_package_config_*}, {@code npm_package_engines_*},
 *       {@code npm_package_bin_*} flattened from package.json; {@code npm_command=run}; {@code INIT_CWD};</li>
 *   <li>what npm adds from its configuration ({@code npm_config_*} from the npmrc files and the environment,
 *       {@code npm_execpath}, {@code npm_node_execpath}, {@code NODE}, {@code COLOR}, {@code EDITOR}): taken
 *       from one real npm run per npm project ({@link #probeCommand}), the probe, made on the first
 *       script that runs and kept while the npmrc files, npm itself and the environment are unchanged: in memory
 *       (for the daemon's lifetime) and in {@code <state dir>/npm/<key>.json} (readable by the owner only: npm
 *       configuration values), so that a build in a fresh JVM does not start npm again.</li>
 * </ul>
 * {@code pre<script>} and {@code post<script>} run before and after, as npm runs them, unless
 * {@code ignore-scripts} is set; a failing one stops the chain with its exit code.
 *
 * <p>Everything else goes through npm unchanged: the switch {@value #SWITCH}{@code =npm} in the build's
 * environment, another package manager (pnpm and yarn differ in pre/post scripts, environment and Plug'n'Play),
 * extra arguments, a missing script, a {@code script-shell} setting, Windows, and any probe that fails or
 * disagrees with this class about the project's root ({@code npm_config_local_prefix}).
 *
 * <p>Thread-safe: the probe memo is process-wide and each probe runs once per key.
 */
public final class PackageScripts {
    /** Environment variable: {@code npm} runs every {@code npm run} step through npm; unset or {@code direct}: not. */
    public static final String SWITCH = "MUNERO_NPM_SCRIPTS";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(2);
    /** Set by the shell or per invocation, never by npm's configuration. */
    private static final Set<String> PER_INVOCATION = Set.of("PATH", "PWD", "OLDPWD", "SHLVL", "_", "INIT_CWD",
            "npm_command", "npm_config_call", "npm_lifecycle_event", "npm_lifecycle_script", "npm_package_json");
    private static final int MEMO_LIMIT = 64;
    private static final int STORED_LIMIT = 32;
    private static final String MARKER = "munero-npm-probe";
    private static final ConcurrentHashMap<ProbeKey, CompletableFuture<Optional<NpmEnv>>> MEMO = new ConcurrentHashMap<>();

    /**
     * The command to start for a step and its environment.
     *
     * @param argv   program and arguments
     * @param env    the complete environment of the child
     * @param direct whether the script runs without its package manager
     */
    public record Prepared(List<String> argv, Map<String, String> env, boolean direct) {
        public Prepared {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
        }
    }

    /** What the probe found: npm's own variables and PATH entries, and the files they came from. */
    private record NpmEnv(Map<String, String> vars, List<String> extraPath, Map<Path, String> stamps) {
    }

    /** A probe holds for one npm project under one environment. */
    private record ProbeKey(Path localPrefix, Map<String, String> env) {
    }

    private final ProcessRunner runner;
    private final Path stateDir;

    /**
     * @param runner   runs the probe (so a cancelled build kills it too)
     * @param stateDir where probes are kept across processes ({@code .munero}); {@code npm/} below it
     */
    public PackageScripts(ProcessRunner runner, Path stateDir) {
        this.runner = runner;
        this.stateDir = stateDir;
    }

    /**
     * The command that runs {@code argv} in {@code cwd}: the package's script run directly when {@code argv} is
     * {@code npm run <script>} and nothing above says otherwise, else {@code argv} and {@code env} unchanged.
     * May run npm once (the probe) for a project not seen yet; blocks until it ends.
     *
     * @param argv program and arguments of the step
     * @param cwd  the step's absolute working directory
     * @param env  the step's complete environment
     * @return the argv and environment to start; never null
     * @throws IOException when the probe's temporary log cannot be written, or the build was cancelled during the
     *                     probe ({@link java.io.InterruptedIOException})
     */
    public Prepared prepare(List<String> argv, Path cwd, Map<String, String> env) throws IOException {
        Prepared unchanged = new Prepared(argv, env, false);
        if (argv.size() != 3 || !"npm".equals(argv.get(0)) || !Set.of("run", "run-script").contains(argv.get(1))
                || "npm".equalsIgnoreCase(env.getOrDefault(SWITCH, "")) || isWindows()) {
            return unchanged;
        }
        String name = argv.get(2);
        Path manifest = cwd.resolve("package.json");
        JsonNode pkg = readJson(manifest);
        if (pkg == null || script(pkg, name) == null) {
            return unchanged;
        }
        Optional<NpmEnv> npm = npmEnv(cwd, env);
        if (npm.isEmpty() || npm.get().vars().containsKey("npm_config_script_shell")) {
            return unchanged;
        }
        List<String> chain = new ArrayList<>();
        if (!"true".equals(npm.get().vars().get("npm_config_ignore_scripts"))) {
            if (script(pkg, "pre" + name) != null) {
                chain.add("pre" + name);
            }
            chain.add(name);
            if (script(pkg, "post" + name) != null) {
                chain.add("post" + name);
            }
        } else {
            chain.add(name);
        }
        Map<String, String> out = new HashMap<>(env);
        out.putAll(npm.get().vars());
        out.putAll(packageEnv(pkg));
        out.put("npm_command", "run");
        out.put("npm_package_json", manifest.toString());
        out.put("INIT_CWD", cwd.toString());
        out.put("PATH", path(cwd, npm.get().extraPath(), env.get("PATH")));
        if (chain.size() == 1) {
            out.put("npm_lifecycle_event", name);
            out.put("npm_lifecycle_script", script(pkg, name));
            return new Prepared(List.of("/bin/sh", "-c", script(pkg, name)), out, true);
        }
        // one shell runs the chain; each script gets its own event and text, and the first failure stops it
        StringBuilder sh = new StringBuilder();
        List<String> args = new ArrayList<>(List.of("/bin/sh", "-c", "", "sh"));
        for (int i = 0; i < chain.size(); i++) {
            String event = chain.get(i);
            if (i > 0) {
                sh.append(" && ");
            }
            sh.append("npm_lifecycle_event=").append(event).append(" npm_lifecycle_script=\"$").append(i + 1)
                    .append("\" /bin/sh -c \"$").append(i + 1).append('"');
            args.add(script(pkg, event));
        }
        args.set(2, sh.toString());
        return new Prepared(args, out, true);
    }

    /** npm's PATH for a script in {@code dir}: every ancestor's {@code node_modules/.bin}, npm's own, the step's. */
    static String path(Path dir, List<String> extra, String stepPath) {
        LinkedHashSet<String> entries = new LinkedHashSet<>();
        for (Path p = dir; p != null; p = p.getParent()) {
            entries.add(p.resolve("node_modules").resolve(".bin").toString());
        }
        List<String> all = new ArrayList<>(entries);
        all.addAll(extra);
        if (stepPath != null && !stepPath.isEmpty()) {
            all.add(stepPath);
        }
        return String.join(java.io.File.pathSeparator, all);
    }

    /** {@code npm_package_*} as npm's {@code package-envs.js} flattens name, version, config, engines and bin. */
    static Map<String, String> packageEnv(JsonNode pkg) {
        Map<String, String> env = new TreeMap<>();
        for (String field : List.of("name", "version", "config", "engines", "bin")) {
            JsonNode v = pkg.get(field);
            if (v != null) {
                flatten(v, "npm_package_" + field, env);
            }
        }
        return env;
    }

    private static void flatten(JsonNode v, String key, Map<String, String> env) {
        if (v.isNull() || (v.isBoolean() && !v.booleanValue())) {
            env.put(key, "");
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                flatten(v.get(i), key + "_" + i, env);
            }
        } else if (v.isObject()) {
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                flatten(e.getValue(), key + "_" + e.getKey(), env);
            }
        } else {
            env.put(key, v.asString());
        }
    }

    private static String script(JsonNode pkg, String name) {
        JsonNode scripts = pkg.get("scripts");
        JsonNode s = scripts == null ? null : scripts.get(name);
        return s != null && s.isString() && !s.asString().isBlank() ? s.asString() : null;
    }

    private static JsonNode readJson(Path file) {
        try {
            JsonNode n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            return n != null && n.isObject() ? n : null;
        } catch (IOException | JacksonException e) {
            return null; // npm itself then reports the problem
        }
    }

    /** npm's variables for scripts below {@code cwd}'s project: from the memo, else from a new probe. */
    private Optional<NpmEnv> npmEnv(Path cwd, Map<String, String> env) throws IOException {
        Path prefix = localPrefix(cwd);
        Map<String, String> relevant = new TreeMap<>(env);
        relevant.keySet().removeAll(Set.of("PWD", "OLDPWD", "SHLVL", "_"));
        ProbeKey key = new ProbeKey(prefix, relevant);
        while (true) {
            CompletableFuture<Optional<NpmEnv>> mine = new CompletableFuture<>();
            CompletableFuture<Optional<NpmEnv>> known = MEMO.putIfAbsent(key, mine);
            if (known == null) {
                if (MEMO.size() > MEMO_LIMIT) {
                    MEMO.keySet().removeIf(k -> !k.equals(key));
                }
                try {
                    Optional<NpmEnv> kept = stored(key);
                    mine.complete(kept.isPresent() ? kept : store(key, probe(cwd, prefix, env)));
                } catch (IOException | RuntimeException e) {
                    MEMO.remove(key, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
                return mine.join();
            }
            Optional<NpmEnv> found;
            try {
                found = known.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (ExecutionException e) {
                return Optional.empty();
            }
            if (found.isEmpty() || fresh(found.get())) {
                return found;
            }
            MEMO.remove(key, known); // an npmrc or npm changed: probe again
        }
    }

    /** Forgets the probes kept in memory (the files stay), as a new process would start. For tests. */
    static void forgetProbesInMemory() {
        MEMO.clear();
    }

    private static boolean fresh(NpmEnv e) {
        return e.stamps().entrySet().stream().allMatch(s -> FileStamps.describe(s.getKey()).equals(s.getValue()));
    }

    private Path storeFile(ProbeKey key) {
        StringBuilder k = new StringBuilder(key.localPrefix().toString());
        key.env().forEach((n, v) -> k.append('\0').append(n).append('=').append(v));
        return stateDir.resolve("npm").resolve(Hashing.sha256(k.toString()).substring(0, 32) + ".json");
    }

    /** A probe kept by an earlier process, when its files are unchanged. */
    private Optional<NpmEnv> stored(ProbeKey key) {
        Path file = storeFile(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            Map<String, String> vars = new TreeMap<>();
            n.get("vars").properties().forEach(e -> vars.put(e.getKey(), e.getValue().asString()));
            List<String> extra = new ArrayList<>();
            n.get("extraPath").forEach(e -> extra.add(e.asString()));
            Map<Path, String> stamps = new TreeMap<>();
            n.get("stamps").properties().forEach(e -> stamps.put(Path.of(e.getKey()), e.getValue().asString()));
            NpmEnv found = new NpmEnv(Map.copyOf(vars), List.copyOf(extra), stamps);
            return fresh(found) ? Optional.of(found) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or from another version: probe again
        }
    }

    /** Keeps a successful probe for later processes; a failure to write only costs the next process a probe. */
    private Optional<NpmEnv> store(ProbeKey key, Optional<NpmEnv> probed) {
        if (probed.isEmpty()) {
            return probed;
        }
        Map<String, Object> doc = new TreeMap<>();
        doc.put("vars", probed.get().vars());
        doc.put("extraPath", probed.get().extraPath());
        Map<String, String> stamps = new TreeMap<>();
        probed.get().stamps().forEach((p, st) -> stamps.put(p.toString(), st));
        doc.put("stamps", stamps);
        Path file = storeFile(key);
        try {
            Files.createDirectories(file.getParent());
            try {
                Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory keeps its default permissions
            }
            AtomicFiles.write(file, JSON.writeValueAsBytes(doc));
            pruneStored(file.getParent());
        } catch (IOException | JacksonException e) {
            // the next process probes again
        }
        return probed;
    }

    /** Keeps the newest {@value #STORED_LIMIT} probe files: each environment (terminal, CI job) makes its own. */
    private static void pruneStored(Path dir) throws IOException {
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".json")).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        }
        if (files.size() <= STORED_LIMIT) {
            return;
        }
        files.sort(java.util.Comparator.comparing(f -> f.toFile().lastModified()));
        for (Path f : files.subList(0, files.size() - STORED_LIMIT)) {
            Files.deleteIfExists(f);
        }
    }

    /** Runs npm once in {@code cwd} and keeps what it adds to a script's environment. */
    private Optional<NpmEnv> probe(Path cwd, Path prefix, Map<String, String> env) throws IOException {
        Path log = Files.createTempFile("munero-npm-probe", ".log");
        try {
            ProcessOutcome o = runner.run(probeCommand(cwd), cwd, env, log, Optional.of(PROBE_TIMEOUT), Optional.empty());
            if (o.cancelled()) {
                // not kept: a later build probes again
                throw new java.io.InterruptedIOException("the build was cancelled while npm's environment was probed");
            }
            if (!o.succeeded()) {
                return Optional.empty();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            int at = out.lastIndexOf(MARKER + "\n");
            if (at < 0) {
                return Optional.empty();
            }
            Map<String, String> seen = new TreeMap<>();
            for (String entry : out.substring(at + MARKER.length() + 1).split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    seen.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            if (!prefix.toString().equals(seen.get("npm_config_local_prefix"))) {
                return Optional.empty();
            }
            Map<String, String> vars = new TreeMap<>();
            for (Map.Entry<String, String> e : seen.entrySet()) {
                String k = e.getKey();
                String v = e.getValue();
                if (!PER_INVOCATION.contains(k) && !k.startsWith("npm_package_") && !v.equals(env.get(k))) {
                    vars.put(k, v);
                }
            }
            // npm's own PATH entries: what is neither an ancestor's node_modules/.bin nor on the step's PATH
            Set<String> known = new LinkedHashSet<>(List.of(path(cwd, List.of(), env.get("PATH")).split(java.io.File.pathSeparator)));
            List<String> extra = new ArrayList<>();
            for (String p : seen.getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                if (!known.contains(p) && !extra.contains(p)) {
                    extra.add(p);
                }
            }
            Map<Path, String> stamps = new TreeMap<>();
            for (String file : List.of("npm_config_userconfig", "npm_config_globalconfig", "npm_execpath")) {
                String f = vars.get(file);
                if (f != null && !f.isEmpty()) {
                    stamps.put(Path.of(f), FileStamps.describe(Path.of(f)));
                }
            }
            stamps.put(prefix.resolve(".npmrc"), FileStamps.describe(prefix.resolve(".npmrc")));
            return Optional.of(new NpmEnv(Map.copyOf(vars), List.copyOf(extra), stamps));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * The probe's command: a marker line, then the environment as NUL-separated NAME=VALUE (values may hold
     * newlines), printed by a command npm starts as it starts a script. {@code npm run env} is npm's built-in
     * script when a package defines none ({@code lib/commands/run-script.js}); the arguments after {@code --}
     * are appended to it, shell-quoted, so the script is {@code env sh -c '<show>'}. Its start-up is npm's alone,
     * where {@code npm exec}'s grows with the workspace (measured with npm 11.19: 0.2 / 0.5 / 0.8 s of CPU for a
     * lone package / a workspace of 100 / of 500 packages, against 0.5 / 1.1 / 2.5 s), and a cold build waits
     * for the probe before its first npm script. A package with its own {@code env}, {@code preenv} or {@code postenv} script would have
     * it run, so there, and when its package.json cannot be read, the probe is {@code npm exec -c '<show>'}.
     * Both give a script's environment; they differ only in what {@link #PER_INVOCATION} and the
     * {@code npm_package_} variables hold, which the probe does not keep.
     */
    static List<String> probeCommand(Path cwd) {
        String show = "printf '%s\\n' " + MARKER + " && env -0";
        JsonNode pkg = readJson(cwd.resolve("package.json"));
        JsonNode scripts = pkg == null ? null : pkg.get("scripts");
        boolean own = pkg == null || scripts != null && (scripts.has("env") || scripts.has("preenv") || scripts.has("postenv"));
        return own ? List.of("npm", "exec", "-c", show) : List.of("npm", "run", "env", "--", "sh", "-c", show);
    }


    /**
     * npm's project root for {@code cwd} ({@code @npmcli/config} {@code loadLocalPrefix}): the nearest directory
     * with a package.json or a node_modules directory, or the workspace root above it whose {@code workspaces}
     * globs name it.
     */
    static Path localPrefix(Path cwd) {
        Path first = null;
        for (Path p = cwd; p != null; p = p.getParent()) {
            boolean hasPkg = Files.isRegularFile(p.resolve("package.json"));
            if (first == null) {
                if (hasPkg || Files.isDirectory(p.resolve("node_modules"))) {
                    first = p;
                }
                continue;
            }
            if (hasPkg) {
                JsonNode pkg = readJson(p.resolve("package.json"));
                JsonNode ws = pkg == null ? null : pkg.get("workspaces");
                JsonNode list = ws != null && ws.isObject() ? ws.get("packages") : ws;
                if (list != null && list.isArray()) {
                    Path rel = p.relativize(first);
                    for (JsonNode g : list) {
                        String glob = g.asString().replaceAll("^\\./", "").replaceAll("/+$", "");
                        if (glob.isEmpty() || glob.startsWith("!")) {
                            continue;
                        }
                        try {
                            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
                            if (m.matches(rel)) {
                                return p;
                            }
                        } catch (IllegalArgumentException e) {
                            // a glob npm rejects as well; the probe decides
                        }
                    }
                }
            }
        }
        return first == null ? cwd : first;
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
