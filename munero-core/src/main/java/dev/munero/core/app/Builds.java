package dev.munero.core.app;

import dev.munero.engine.AtomicFiles;
import dev.munero.engine.Workspace;
import dev.munero.engine.WorkspaceCache;
import dev.munero.engine.WorkspaceRoot;
import dev.munero.engine.build.BuildEngine;
import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildOptions;
import dev.munero.engine.build.NullBuild;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.PlannedStep;
import dev.munero.engine.build.Reports;
import dev.munero.engine.build.StepResult;
import dev.munero.engine.cache.FileHashCache;
import dev.munero.engine.cache.FileSets;
import dev.munero.engine.cache.GitFiles;
import dev.munero.engine.cache.LocalCache;
import dev.munero.engine.cache.Fingerprint;
import dev.munero.engine.cache.Hashing;
import dev.munero.engine.cache.remote.RemoteCacheSettings;
import dev.munero.engine.config.BuildSettings;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigLoader;
import dev.munero.engine.config.ConfigWriter;
import dev.munero.engine.config.StepSpec;
import dev.munero.engine.graph.BuildGraph;
import dev.munero.engine.graph.TargetSelection;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The engine's use cases for one workspace, as one method each: build targets, show the task graph, explain a step,
 * read build reports and step logs. Records in, records out, {@link AppException} for every failure a user can
 * cause or fix (an unknown target, a bad {@code munero.yaml} with its file:line problems, a cycle with its members).
 *
 * <p>Every call opens the workspace afresh (through the {@link Caches} given, which reuse an opened workspace while
 * its build files are unchanged), so a long-lived caller (the server, the daemon) sees edits to {@code munero.yaml}
 * and the build files without being restarted.
 *
 * <p>Thread-safe; a build holds the workspace's build lock ({@code .munero/build.lock}) while it runs, so two
 * builds of one workspace (from the server and a terminal) run one after the other.
 */
public final class Builds {
    /** The folder, under the workspace root, of reports, logs, the last-run state and the build lock. */
    private static final String STATE_DIR = ".munero";

    private final WorkspaceRoot location;
    private final String profile;
    private final Caches caches;

    private Builds(WorkspaceRoot location, String profile, Caches caches) {
        this.location = location;
        this.profile = profile;
        this.caches = caches;
    }

    /**
     * The workspace at (or above) {@code dir}, in the default profile ({@code development}), with caches of its own
     * kept for this object's life (what a long-lived caller such as the server wants).
     *
     * @throws AppException NOT_FOUND when {@code dir} does not exist or is not a directory
     */
    public static Builds of(Path dir) {
        return of(WorkspaceRoot.find(dir), ConfigLoader.DEFAULT_PROFILE, Caches.fresh());
    }

    /**
     * The workspace {@code location} found, in {@code profile}.
     *
     * @param location where the search for the root started and ended ({@link WorkspaceRoot#find}); targets and
     *                 default tasks resolve in the package the search started in, as {@code munero build} does
     * @param profile  a profile of the workspace ({@code development}, {@code production}, {@code test} or one its
     *                 munero.yaml declares); an unknown one fails each call with INVALID
     * @param caches   opened workspaces and file hashes to reuse across calls (the daemon passes its own); null for
     *                 none (a one-off process: every call reads everything afresh)
     * @throws AppException NOT_FOUND when the root is not a directory
     */
    public static Builds of(WorkspaceRoot location, String profile, Caches caches) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(profile, "profile");
        if (!Files.isDirectory(location.root())) {
            throw AppException.notFound(location.root() + ": not a directory; pass the repository with -C DIR");
        }
        return new Builds(location, profile, caches);
    }

    /** The workspace root, absolute. */
    public Path root() {
        return location.root();
    }

    /**
     * Reads the workspace once (its munero.yaml or build files, through the {@link Caches} given), for several
     * questions about the same state: what the CLI does to print detection warnings before anything else.
     *
     * @throws AppException INVALID for a bad configuration (the message lists each problem with file:line, one per
     *                      line; the cause is the engine's {@link ConfigException} with the problems one by one)
     */
    public Snapshot snapshot() {
        try {
            List<Path> watched = new java.util.ArrayList<>();
            Workspace ws = caches != null ? caches.workspaces().open(root(), profile, watched)
                    : Workspace.open(root(), profile, watched);
            return new Snapshot(ws, watched);
        } catch (ConfigException e) {
            throw invalid(e);
        }
    }

    /**
     * The graph detection finds here (whether or not a {@code munero.yaml} exists), as the {@code munero.yaml} text
     * {@code munero init} writes: ready to edit.
     *
     * @throws AppException INVALID when the build files cannot be read into a graph (each problem with file:line)
     */
    public DetectedConfig detectConfig() {
        Path file = root().resolve(ConfigLoader.FILE_NAME);
        Workspace ws;
        try {
            // without a munero.yaml, the same (cached) read a build makes; with one, the detectors alone
            ws = Files.exists(file) || caches == null ? Workspace.detect(root(), profile)
                    : caches.workspaces().open(root(), profile);
        } catch (ConfigException e) {
            throw invalid(e);
        }
        String yaml = ConfigWriter.toYaml(ws.graph().steps(), List.of(
                "munero.yaml: written by 'munero init' from the " + ws.project().origin().replace("auto-detected: ", "")
                        + " build files found here.",
                "Edit freely; fields: name, command, shell, cwd, env, passEnv, dependsOn, inputs, outputs, skipIf,",
                "retries, retryBackoff, timeout, parallel, cache; plus settings, profiles and verify (see the README)."));
        return new DetectedConfig(file, Files.exists(file), yaml, ws.graph().size(), ws.project().origin(),
                ws.warnings());
    }

    /**
     * Writes {@link #detectConfig()}'s text to {@code munero.yaml} (atomically: a temporary file, then a rename).
     *
     * @param overwrite replace an existing {@code munero.yaml}
     * @return what was written
     * @throws AppException CONFLICT when the file exists and {@code overwrite} is false (the message says what to
     *                      do); INVALID as {@link #detectConfig()}; UNAVAILABLE when it cannot be written
     */
    public DetectedConfig writeConfig(boolean overwrite) {
        Path file = root().resolve(ConfigLoader.FILE_NAME);
        if (Files.exists(file) && !overwrite) {
            throw AppException.conflict(file + " exists; use --force to overwrite it, or --stdout to print the "
                    + "detected graph");
        }
        DetectedConfig detected = detectConfig();
        try {
            AtomicFiles.write(file, detected.yaml().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw AppException.unavailable("cannot write " + file + ": " + e.getMessage(), e);
        }
        return detected;
    }

    /**
     * Opens the build: reads the workspace, resolves the targets and the options, and picks the build id, without
     * running anything; {@link Prepared#run} runs it (on the caller's thread), {@link Prepared#plan} is the dry run.
     *
     * @throws AppException INVALID for an unknown target, a bad configuration (the message lists each problem with
     *                      file:line, one per line) or {@code jobs < 1}
     */
    public Prepared prepare(BuildRequest request) {
        return snapshot().prepare(request);
    }

    /**
     * Builds {@code request.targets()} (empty: the default targets) and returns the report, also written to
     * {@code .munero/reports/}. A failed step is a result, not an exception.
     *
     * @param listener sees every step start and finish (the console, a WebSocket, metrics); may be
     *                 {@link BuildListener} no-op
     * @throws AppException INVALID for an unknown target or a bad configuration (the message lists each problem
     *                      with file:line); UNAVAILABLE when the cache or state folder cannot be written
     */
    public BuildReport build(BuildRequest request, BuildListener listener) {
        return prepare(request).run(listener);
    }

    /**
     * The task graph of the selected targets (empty: all steps).
     *
     * @throws AppException INVALID for an unknown target or a bad configuration
     */
    public Graph graph(List<String> targets) {
        return snapshot().graph(targets);
    }

    /** The graph rendered as {@code dot} or {@code mermaid} text. @throws AppException INVALID for another format */
    public String render(Graph graph, String format) {
        StringBuilder sb = new StringBuilder();
        switch (format) {
            case "dot" -> {
                sb.append("digraph munero {\n  rankdir=LR;\n");
                for (Node s : graph.nodes()) {
                    sb.append("  ").append(dotId(s.name())).append(";\n");
                    for (String d : s.dependsOn()) {
                        sb.append("  ").append(dotId(d)).append(" -> ").append(dotId(s.name())).append(";\n");
                    }
                }
                sb.append("}\n");
            }
            case "mermaid" -> {
                sb.append("graph LR\n");
                Map<String, String> ids = new LinkedHashMap<>();
                for (Node s : graph.nodes()) {
                    ids.put(s.name(), "s" + ids.size());
                    sb.append("  ").append(ids.get(s.name())).append("[\"").append(s.name().replace("\"", "#quot;"))
                            .append("\"]\n");
                }
                for (Node s : graph.nodes()) {
                    for (String d : s.dependsOn()) {
                        sb.append("  ").append(ids.get(d)).append(" --> ").append(ids.get(s.name())).append('\n');
                    }
                }
            }
            default -> throw AppException.invalid("unknown graph format '" + format + "'; use dot or mermaid");
        }
        return sb.toString();
    }

    private static String dotId(String name) {
        return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * Why a step would run or hit the cache now: its cache key and the inputs that make it.
     *
     * @throws AppException NOT_FOUND for an unknown step (the message names close matches); INVALID for a bad
     *                      configuration or a task of several steps
     */
    public Explanation explain(String step) {
        return explain(step, BuildRequest.of(List.of()));
    }

    /**
     * Like {@link #explain(String)}, with the cache directory, environment and cache settings of {@code options}
     * (its targets are ignored). {@code step} may also be a task that names exactly one step where the workspace was
     * opened ({@code build} inside a package).
     *
     * @throws AppException NOT_FOUND for an unknown step (the message names close matches); INVALID when
     *                      {@code step} is a task of several steps, or for a bad configuration; UNAVAILABLE when an
     *                      input cannot be read
     */
    public Explanation explain(String step, BuildRequest options) {
        return snapshot().explain(step, options);
    }

    /** The parts of a key in the order the key hashes them, each hashed (an env value is never shown). */
    private static List<Input> inputs(Fingerprint fp) {
        if (fp == null) {
            return List.of();
        }
        List<Input> out = new ArrayList<>();
        out.add(new Input("command", Hashing.sha256(String.join("\0", fp.argv()))));
        out.add(new Input("cwd", Hashing.sha256(fp.cwd())));
        fp.env().forEach((k, v) -> out.add(new Input("env:" + k, v)));
        fp.inputs().forEach((k, v) -> out.add(new Input("file:" + k, v)));
        fp.dependencies().forEach((k, v) -> out.add(new Input("dependency:" + k, v)));
        out.add(new Input("outputs", Hashing.sha256(String.join("\0", fp.outputs()))));
        return out;
    }

    /**
     * The newest build report, if any build has run here.
     *
     * @throws AppException UNAVAILABLE when the report exists but cannot be read
     */
    public Optional<BuildReport> latestReport() {
        Path latest = reportsDir().resolve("latest.json");
        if (!Files.isRegularFile(latest)) {
            return Optional.empty();
        }
        return Optional.of(read(latest));
    }

    /**
     * The report of one build.
     *
     * @param buildId a {@link BuildReport#runId()}
     * @throws AppException NOT_FOUND when no build of that id has finished here; UNAVAILABLE when its report cannot
     *                      be read
     */
    public BuildReport report(String buildId) {
        Path file = Reports.isRunId(buildId) ? reportsDir().resolve(buildId + ".json") : null;
        if (file == null || !Files.isRegularFile(file)) {
            throw AppException.notFound("no build " + buildId + " in " + root() + " (its report is not in "
                    + STATE_DIR + "/reports/; the newest 50 are kept)");
        }
        return read(file);
    }

    /**
     * Build reports, newest first, at most {@code limit}. A report that cannot be read is left out.
     *
     * @throws AppException INVALID when {@code limit < 1}; UNAVAILABLE when the reports folder cannot be listed
     */
    public List<BuildReport> reports(int limit) {
        if (limit < 1) {
            throw AppException.invalid("limit must be at least 1, was " + limit);
        }
        Path dir = reportsDir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (Reports.isRunId(name.substring(0, name.length() - ".json".length()))) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw AppException.unavailable("cannot list " + dir + ": " + e.getMessage(), e);
        }
        List<BuildReport> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.add(Reports.read(f));
            } catch (IOException e) {
                // being replaced or damaged: the others are still worth listing
            }
        }
        // by start time: ids of one second sort by their random part (at most 50 reports are kept, see Reports)
        out.sort(Comparator.comparing((BuildReport r) -> Instant.parse(r.startedAt())).thenComparing(BuildReport::runId)
                .reversed());
        return List.copyOf(out.subList(0, Math.min(limit, out.size())));
    }

    /**
     * A step's log from a build.
     *
     * @param buildId   a {@link BuildReport#runId()}
     * @param tailBytes at most this many bytes from the end (0: all)
     * @throws AppException NOT_FOUND when the build or the step's log does not exist
     */
    public String stepLog(String buildId, String step, long tailBytes) {
        if (tailBytes < 0) {
            throw AppException.invalid("tail must be 0 (all) or more bytes, was " + tailBytes);
        }
        Path logs = root().resolve(STATE_DIR).resolve("logs");
        Path reportFile = Reports.isRunId(buildId) ? reportsDir().resolve(buildId + ".json") : null;
        if (reportFile == null || !Files.isRegularFile(reportFile) && !Files.isDirectory(logs.resolve(buildId))) {
            throw AppException.notFound("no build " + buildId + " in " + root() + " (neither a report nor logs in "
                    + STATE_DIR + "/)");
        }
        Path log = Reports.logFile(root().resolve(STATE_DIR), buildId, step);
        if (Files.isRegularFile(reportFile)) { // finished: the report says where (a cached step's log is in the cache)
            BuildReport report = read(reportFile);
            StepResult result = report.steps().stream().filter(s -> s.name().equals(step)).findFirst()
                    .orElseThrow(() -> AppException.notFound("build " + buildId + " has no step '" + step + "' (its steps: "
                            + String.join(", ", report.steps().stream().map(StepResult::name).toList()) + ")"));
            if (result.logFile() == null) {
                throw AppException.notFound("step " + step + " of build " + buildId + " has no log: it was "
                        + result.status() + (result.reasons().isEmpty() ? "" : " (" + result.reasons().get(0) + ")"));
            }
            log = root().resolve(result.logFile()).normalize();
        }
        try {
            return tail(log, tailBytes);
        } catch (NoSuchFileException e) {
            throw AppException.notFound("no log of step " + step + " in build " + buildId + " (" + log
                    + " does not exist: the step has not started, or its log was pruned)");
        } catch (IOException e) {
            throw AppException.unavailable("cannot read " + log + ": " + e.getMessage(), e);
        }
    }

    /** The last {@code tailBytes} bytes of {@code file} (all when 0), decoded as UTF-8 (a cut character becomes U+FFFD). */
    private static String tail(Path file, long tailBytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            long from = tailBytes == 0 ? 0 : Math.max(0, length - tailBytes);
            long size = length - from;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException("the log is " + length + " bytes; ask for a tail");
            }
            byte[] bytes = new byte[(int) size];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (java.io.FileNotFoundException e) {
            throw new NoSuchFileException(file.toString());
        }
    }

    private Path reportsDir() {
        return root().resolve(STATE_DIR).resolve("reports");
    }

    private static BuildReport read(Path file) {
        try {
            return Reports.read(file);
        } catch (IOException e) {
            throw AppException.unavailable("cannot read the build report " + file + ": " + e.getMessage(), e);
        }
    }

    private static AppException invalid(ConfigException e) {
        return new AppException(AppException.Kind.INVALID, e.getMessage(), e);
    }

    /**
     * The workspace as read at one moment: its steps, origin and warnings, and the questions {@link Builds} answers
     * about that state. Immutable; thread-safe.
     */
    public final class Snapshot {
        private final Workspace ws;
        /** The paths whose change can change what was read (for a null build's manifest). */
        private final List<Path> watched;

        private Snapshot(Workspace ws, List<Path> watched) {
            this.ws = ws;
            this.watched = List.copyOf(watched);
        }

        /** Where the steps come from: {@code munero.yaml} or {@code auto-detected: maven, npm}. */
        public String origin() {
            return ws.project().origin();
        }

        /** The profile applied. */
        public String profile() {
            return ws.project().profile();
        }

        /** How many steps the workspace has. */
        public int steps() {
            return ws.graph().size();
        }

        /** What detection could not use, for the user. */
        public List<String> warnings() {
            return ws.warnings();
        }

        /**
         * Removes (with {@code dryRun}, only lists) the files the steps' declared outputs match, never a file git
         * tracks (issue 9.2: whatever a glob says).
         *
         * @param force outside a git work tree, remove anyway (Munero cannot tell the user's files from outputs)
         * @throws AppException INVALID outside a git work tree without {@code dryRun} or {@code force} (the message
         *                      says how to look first); UNAVAILABLE when a file cannot be removed
         */
        public Cleaning clean(boolean dryRun, boolean force) {
            Path root = ws.project().root();
            GitFiles git = GitFiles.snapshot(root);
            if (!git.inGit() && !dryRun && !force) {
                throw AppException.invalid(root + " is not in a git work tree (" + git.why() + "), so Munero cannot "
                        + "tell your files from build outputs; see what would go with 'munero clean --dry-run', then "
                        + "remove it with 'munero clean --force'");
            }
            java.util.TreeSet<String> outputs = new java.util.TreeSet<>();
            java.util.TreeSet<String> tracked = new java.util.TreeSet<>();
            try {
                for (StepSpec s : ws.graph().steps()) {
                    if (!s.outputs().isEmpty()) {
                        for (String rel : FileSets.expand(root, s.cwd(), s.outputs(), List.of())) {
                            (git.isTracked(rel) ? tracked : outputs).add(rel);
                        }
                    }
                }
                int removed = 0;
                if (!dryRun) {
                    for (String rel : outputs) {
                        if (Files.deleteIfExists(root.resolve(rel))) {
                            removed++;
                        }
                    }
                }
                return new Cleaning(root, List.copyOf(outputs), removed, List.copyOf(tracked), ws.graph().size(),
                        dryRun);
            } catch (IOException e) {
                throw AppException.unavailable(e.getMessage(), e);
            }
        }

        /** See {@link Builds#prepare}. */
        public Prepared prepare(BuildRequest request) {
            Objects.requireNonNull(request, "request");
            if (request.jobs() != null && request.jobs() < 1) {
                throw AppException.invalid("jobs must be at least 1, was " + request.jobs());
            }
            TargetSelection selection = select(request.targets());
            BuildSettings settings = ws.project().settings();
            Path root = ws.project().root();
            Path cache = request.cacheDir() != null ? request.cacheDir().toAbsolutePath().normalize()
                    : settings.cacheDir().map(d -> root.resolve(d).normalize()).orElse(root.resolve(STATE_DIR).resolve("cache"));
            int jobs = request.jobs() != null ? request.jobs() : settings.jobs().orElse(Runtime.getRuntime().availableProcessors());
            boolean keepGoing = request.keepGoing() != null ? request.keepGoing() : settings.keepGoing().orElse(false);
            Map<String, String> env = request.env() != null ? request.env() : System.getenv();
            BuildOptions options = new BuildOptions(selection.targets(), jobs, keepGoing, request.force(), request.useCache(),
                    request.streamOutput(), cache, root.resolve(STATE_DIR), env, caches == null ? null : caches.hashes(),
                    remoteCache(root, request.remoteCacheUrl(), env));
            BuildGraph selected;
            try {
                selected = ws.graph().select(selection.targets());
            } catch (ConfigException e) {
                throw invalid(e);
            }
            return new Prepared(ws, selection, selected.size(), options, BuildEngine.newRunId(), watched);
        }

        /**
         * The remote cache of a build (issue 16): {@code --remote-cache}, munero.yaml's {@code cache.remote}, the user
         * config's {@code [cache.remote]}; see {@link RemoteCacheSettings#resolve}.
         *
         * @throws AppException INVALID for a bad setting (named with the file and line, or the flag)
         */
        private Optional<RemoteCacheSettings> remoteCache(Path root, String flagUrl, Map<String, String> env) {
            try {
                dev.munero.llm.UserConfig user = dev.munero.llm.UserConfig.load(env);
                return RemoteCacheSettings.resolve(root, flagUrl, env, user.tree(), user.file());
            } catch (ConfigException e) {
                throw invalid(e);
            } catch (IllegalArgumentException e) {
                throw AppException.invalid(e.getMessage());
            }
        }

        /** See {@link Builds#graph}. */
        public Graph graph(List<String> targets) {
            BuildGraph g = ws.graph();
            if (!targets.isEmpty()) {
                try {
                    g = g.select(select(targets).targets());
                } catch (ConfigException e) {
                    throw invalid(e);
                }
            }
            List<Node> nodes = new ArrayList<>();
            List<Edge> edges = new ArrayList<>();
            for (StepSpec s : g.steps()) {
                nodes.add(new Node(s.name(), s.packageDirectory(), s.cwd(), s.command().display(), s.command().toArgv(),
                        s.dependsOn(), s.inputs(), s.outputs()));
                s.dependsOn().forEach(d -> edges.add(new Edge(s.name(), d)));
            }
            return new Graph(ws.project().origin(), nodes, edges, ws.warnings());
        }

        /**
         * See {@link Builds#explain(String, BuildRequest)}; the message for a task of several steps is
         * {@code <step> names N steps (a, b); name one of them}.
         */
        public Explanation explain(String step, BuildRequest options) {
            TargetSelection selection;
            try {
                selection = TargetSelection.resolve(ws.graph(), List.of(step), scope(), ws.defaultTasks());
            } catch (ConfigException e) {
                throw new AppException(AppException.Kind.NOT_FOUND, e.getMessage(), e);
            }
            if (selection.targets().size() != 1) {
                throw AppException.invalid(step + " names " + selection.targets().size() + " steps ("
                        + String.join(", ", selection.targets()) + "); name one of them");
            }
            String name = selection.targets().get(0);
            Prepared prepared = prepare(new BuildRequest(List.of(name), 1, false, options.force(), options.useCache(),
                    false, options.cacheDir(), options.env()));
            List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
            BuildEngine.Planned planned = prepared.planned(new BuildListener() {
                @Override
                public void warning(String message) {
                    warnings.add(message);
                }
            }).stream().filter(p -> p.step().name().equals(name))
                    .findFirst().orElseThrow();
            PlannedStep p = planned.step();
            StepSpec spec = ws.graph().step(ws.graph().indexOf(name));
            return new Explanation(name, p.action(), p.cacheKey(), p.action() == PlannedStep.Action.RESTORE, p.command(),
                    p.cwd(), p.reasons(), inputs(planned.fingerprint()), spec.dependsOn(), List.copyOf(warnings));
        }

        /** The package the search for the root started in ({@code "."}: the whole workspace). */
        private String scope() {
            return TargetSelection.packageAt(ws.graph(), location.startRelative());
        }

        private TargetSelection select(List<String> targets) {
            try {
                return TargetSelection.resolve(ws.graph(), targets, scope(), ws.defaultTasks());
            } catch (ConfigException e) {
                throw invalid(e);
            }
        }
    }

    /**
     * What a long-lived caller keeps between calls: opened workspaces (reused while their build files are
     * unchanged) and file hashes (reused while a file's size, mtime and inode are unchanged). Both thread-safe.
     */
    public record Caches(WorkspaceCache workspaces, FileHashCache hashes) {
        public Caches {
            Objects.requireNonNull(workspaces, "workspaces");
            Objects.requireNonNull(hashes, "hashes");
        }

        /** Empty caches. */
        public static Caches fresh() {
            return new Caches(new WorkspaceCache(), new FileHashCache());
        }
    }

    /**
     * A build resolved and ready to run, with its id chosen: what the CLI prints before it starts, what the server
     * answers before the build runs. {@link #run} once; {@link #cancel} from any thread.
     *
     * <p>Thread-safe.
     */
    public static final class Prepared {
        private final Workspace workspace;
        private final TargetSelection selection;
        private final int selectedSteps;
        private final BuildOptions options;
        private final String id;
        private final CountDownLatch finished = new CountDownLatch(1);
        private BuildEngine engine;
        private boolean cancelled;
        private boolean ran;

        /** What detection read (see {@link Snapshot}). */
        private final List<Path> watched;
        private NullBuild.Request nullBuild;

        private Prepared(Workspace workspace, TargetSelection selection, int selectedSteps, BuildOptions options,
                         String id, List<Path> watched) {
            this.workspace = workspace;
            this.selection = selection;
            this.selectedSteps = selectedSteps;
            this.options = options;
            this.id = id;
            this.watched = watched;
        }

        /**
         * Makes {@link #run} leave a null-build manifest for {@code request} (issue 9): when the build passes with
         * every step cached or run and stored, the launcher can answer the same command again without Java for as
         * long as nothing it depends on changes (see {@link NullBuild}). Only for a build started from a command
         * line the launcher sees again; the paths detection read are added to the request's.
         *
         * @return this
         */
        public synchronized Prepared recordNullBuild(NullBuild.Request request) {
            List<Path> all = new java.util.ArrayList<>(request.watched());
            all.addAll(watched);
            this.nullBuild = new NullBuild.Request(request.requestDigest(), request.envDigest(), request.cwd(),
                    request.header(), all, request.start());
            return this;
        }

        /** The build id: its report's {@link BuildReport#runId()} and its log folder's name. */
        public String id() {
            return id;
        }

        /** The steps asked for, in graph order (their dependencies are built too). */
        public List<String> targets() {
            return selection.targets();
        }

        /** The selection in the user's words: {@code build}, {@code test in packages/b}, {@code every step}. */
        public String description() {
            return selection.description();
        }

        /** How many steps the build covers: the targets and their dependencies. */
        public int selectedSteps() {
            return selectedSteps;
        }

        /** How many steps the workspace has. */
        public int totalSteps() {
            return workspace.graph().size();
        }

        /** Where the steps come from: {@code munero.yaml} or {@code auto-detected: maven, npm}. */
        public String origin() {
            return workspace.project().origin();
        }

        /** The profile applied. */
        public String profile() {
            return workspace.project().profile();
        }

        /** Steps run at once (the request's, else the workspace's setting, else the number of processors). */
        public int jobs() {
            return options.jobs();
        }

        /** What detection could not use, for the user. */
        public List<String> warnings() {
            return workspace.warnings();
        }

        /**
         * What the build would do, in planned order, without running anything: each step RUN, RESTORE or SKIP, with
         * its cache key and why (the dry run).
         *
         * @throws AppException UNAVAILABLE when an input cannot be read
         */
        public List<PlannedStep> plan() {
            return plan(BuildListener.NONE);
        }

        /**
         * {@link #plan()}, telling {@code listener} what the user should know on the way (a corrupt cache entry,
         * treated as a miss).
         */
        public List<PlannedStep> plan(BuildListener listener) {
            return planned(listener).stream().map(BuildEngine.Planned::step).toList();
        }

        private List<BuildEngine.Planned> planned(BuildListener listener) {
            try {
                return engine(listener).planWithFingerprints();
            } catch (IOException e) {
                throw AppException.unavailable(e.getMessage(), e);
            }
        }

        /**
         * Runs the build on the calling thread, waiting first for any other build of the workspace, and returns the
         * report (also written to {@code .munero/reports/<id>.json} and {@code latest.json}). A failed step is a
         * result, not an exception; a cancelled build returns a CANCELLED report.
         *
         * @param listener sees every step start and finish; called from the build's threads
         * @throws AppException CONFLICT when this build already ran; UNAVAILABLE when the cache or state folder
         *                      cannot be written
         */
        public BuildReport run(BuildListener listener) {
            BuildEngine e;
            synchronized (this) {
                if (ran) {
                    throw AppException.conflict("build " + id + " has already run");
                }
                ran = true;
                e = engine(listener);
                engine = e;
                if (cancelled) {
                    e.cancel();
                }
            }
            try {
                return e.build(id);
            } catch (IOException ex) {
                throw AppException.unavailable(ex.getMessage(), ex);
            } finally {
                finished.countDown();
            }
        }

        /**
         * Stops the build: running process trees are killed and nothing new starts; {@link #run} then returns a
         * CANCELLED report. Before {@link #run}, the build will stop as soon as it starts. A build still waiting for
         * another build's lock stops once it gets it. Safe from any thread, any number of times.
         */
        public void cancel() {
            BuildEngine e;
            synchronized (this) {
                cancelled = true;
                e = engine;
            }
            if (e != null) {
                e.cancel();
            }
        }

        /**
         * Waits until {@link #run} has returned, at most {@code timeout}.
         *
         * @return whether it finished in time
         * @throws InterruptedException when interrupted while waiting
         */
        public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
            return finished.await(timeout, unit);
        }

        private BuildEngine engine(BuildListener listener) {
            try {
                return new BuildEngine(workspace.project(), workspace.graph(),
                        nullBuild == null ? options : options.withNullBuild(new NullBuild(nullBuild)), listener);
            } catch (ConfigException e) {
                throw invalid(e);
            }
        }
    }

    /**
     * What to build.
     *
     * @param targets      step names or patterns as {@code munero build} takes them; empty for the default
     * @param jobs         parallel steps; null for the workspace's setting or the number of cores
     * @param keepGoing    after a failure, keep running the steps that do not depend on it; null for the workspace's
     *                     setting (default: stop)
     * @param force        run every step even when it is up to date (results are still cached)
     * @param useCache     false: neither restore from nor store into the cache
     * @param streamOutput send each output line to {@link BuildListener#stepOutput}
     * @param cacheDir     the cache directory; null for the workspace's setting or {@code .munero/cache}
     * @param env          the environment steps see (the caller's, never Munero's own); null for this process's
     * @param remoteCacheUrl {@code --remote-cache URL}: the remote cache's URL, over munero.yaml's and the user
     *                     config's {@code cache.remote.url} (issue 16); null for theirs, if any
     */
    public record BuildRequest(List<String> targets, Integer jobs, Boolean keepGoing, boolean force,
                               boolean useCache, boolean streamOutput, Path cacheDir, Map<String, String> env,
                               String remoteCacheUrl) {
        public BuildRequest {
            targets = List.copyOf(targets);
            env = env == null ? null : Map.copyOf(env);
        }

        /** A request without {@code --remote-cache} (the files' remote cache, if any, still applies). */
        public BuildRequest(List<String> targets, Integer jobs, Boolean keepGoing, boolean force, boolean useCache,
                            boolean streamOutput, Path cacheDir, Map<String, String> env) {
            this(targets, jobs, keepGoing, force, useCache, streamOutput, cacheDir, env, null);
        }

        /** {@code targets} with every other setting at its default (cache on, this process's environment). */
        public static BuildRequest of(List<String> targets) {
            return new BuildRequest(targets, null, null, false, true, false, null, null);
        }
    }

    /**
     * A task graph: its steps and the edges {@code from} depends on {@code to}.
     *
     * @param origin   where the steps come from: {@code munero.yaml} or {@code auto-detected: maven, npm}
     * @param nodes    the steps in graph (topological) order
     * @param edges    every dependency, in node order
     * @param warnings what detection could not use, for the user
     */
    public record Graph(String origin, List<Node> nodes, List<Edge> edges, List<String> warnings) { }

    /**
     * One step of a graph.
     *
     * @param name       the step's name
     * @param packageDir its package directory, relative to the root ({@code .} for the root)
     * @param cwd        its working directory, relative to the root
     * @param command    the command as text
     * @param argv       the argv started (a shell step: the shell and its script)
     * @param dependsOn  the steps it needs first
     * @param inputs     input globs, relative to {@code cwd}
     * @param outputs    output globs, relative to {@code cwd}
     */
    public record Node(String name, String packageDir, String cwd, String command, List<String> argv,
                       List<String> dependsOn, List<String> inputs, List<String> outputs) { }

    /**
     * A detected graph as {@code munero.yaml} text.
     *
     * @param file     where {@code munero.yaml} goes (the workspace root)
     * @param existed  whether a {@code munero.yaml} was there before
     * @param steps    how many steps it has
     * @param origin   what it was detected from ({@code auto-detected: maven, npm})
     * @param warnings what detection could not use
     */
    public record DetectedConfig(Path file, boolean existed, String yaml, int steps, String origin,
                                 List<String> warnings) { }

    /**
     * What {@link Snapshot#clean} did.
     *
     * @param outputs the output files found (relative to {@code root}, sorted): removed, or with {@code dryRun} the
     *                ones that would be
     * @param removed how many of them were removed (0 with {@code dryRun}; a file already gone is not counted)
     * @param tracked output files kept because git tracks them
     * @param steps   the workspace's steps
     */
    public record Cleaning(Path root, List<String> outputs, int removed, List<String> tracked, int steps,
                           boolean dryRun) { }

    /**
     * Prunes the cache in {@code cacheDir}, least recently used first, to at most {@code maxBytes}.
     *
     * @throws AppException UNAVAILABLE when the cache cannot be read or changed
     */
    public static LocalCache.PruneResult pruneCache(Path cacheDir, long maxBytes) {
        try {
            return new LocalCache(cacheDir).prune(maxBytes);
        } catch (IOException e) {
            throw AppException.unavailable(e.getMessage(), e);
        }
    }

    /** {@code from} needs {@code to} first. */
    public record Edge(String from, String to) { }

    /**
     * Why a step runs or is cached.
     *
     * @param step      the step's name
     * @param action    what a build would do with it now
     * @param cacheKey  the key it would have now (hex); null when a skipIf condition holds
     * @param cached    whether an entry for that key is in the cache
     * @param command   the command as text
     * @param cwd       its working directory, relative to the root
     * @param reasons   why it runs, is restored or is skipped, most important first
     * @param inputs    what went into the key, in order ({@code command}, {@code cwd}, {@code env:NAME},
     *                  {@code file:PATH}, {@code dependency:STEP}, {@code outputs}), each with its SHA-256 (a
     *                  dependency: its cache key); empty when skipped
     * @param dependsOn the steps it needs first
     * @param warnings  what the user should know that is not part of the answer (a corrupt cache entry, treated as
     *                  a miss)
     */
    public record Explanation(String step, PlannedStep.Action action, String cacheKey, boolean cached, String command,
                              String cwd, List<String> reasons, List<Input> inputs, List<String> dependsOn,
                              List<String> warnings) { }

    /**
     * One part of a cache key.
     *
     * @param name what it is: {@code command}, {@code cwd}, {@code env:NAME}, {@code file:PATH},
     *             {@code dependency:STEP}, {@code outputs}
     * @param hash its SHA-256 in hex (an unset variable: {@code unset})
     */
    public record Input(String name, String hash) { }
}
