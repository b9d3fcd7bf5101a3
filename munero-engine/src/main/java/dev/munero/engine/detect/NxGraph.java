package dev.munero.engine.detect;

import dev.munero.engine.config.Command;
import dev.munero.engine.config.StepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns an Nx package-based workspace (a node workspace whose root has nx.json) into steps following Nx's task
 * graph: a supported subset, checked against {@code nx run-many -t ... --graph=file.json} of Nx 24.
 *
 * <p>Projects are the workspace's packages; a package's project.json and the {@code nx} field of its
 * package.json add to it. A project's targets are its package.json scripts (only {@code nx.includedScripts}
 * when given) and the {@code targets} of its project.json and package.json {@code nx} field. A target's
 * configuration is nx.json's {@code targetDefaults} for its name (or its executor), overlaid field by field by
 * the package.json {@code nx.targets} entry and then the project.json entry ({@code options} merged key by key).
 *
 * <p>What runs: a target with {@code command} or {@code nx:run-commands} with one {@code command} (or several with
 * {@code "parallel": false}, joined with {@code &&}) runs that shell command in {@code options.cwd}, by default the
 * workspace root, as Nx does; {@code nx:run-script}, or a target named like a script with no executor, runs
 * {@code <pm> run <script>} in the project. A target with any other executor ({@code @nx/vite:build}, ...) needs Nx
 * itself: it is not a step, a warning names it, and its dependents are linked to its dependencies instead.
 * Continuous targets ({@code "continuous": true}, dev servers) are not steps.
 *
 * <p>Edges from {@code dependsOn}: {@code ^t} and {@code {"target": t, "dependencies": true}} are {@code t} of the
 * projects this one depends on (package.json dependencies, devDependencies, peerDependencies,
 * optionalDependencies, and {@code implicitDependencies}), a dependency without {@code t} looked through to its
 * own dependencies; {@code t} and {@code {"target": t}} are this project's {@code t} (ignored when it has none, as
 * Nx does); {@code proj:t} and {@code {"target": t, "projects": [...]}} name projects.
 *
 * <p>Cache key: {@code outputs} with {@code {projectRoot}}, {@code {workspaceRoot}}, {@code {projectName}} and
 * string {@code {options.x}} tokens become output globs; {@code inputs} file sets (named inputs from nx.json and
 * project.json expanded, {@code default} being {@code {projectRoot}/**}{@code /*} unless redefined) become
 * input globs and {@code {"env": X}} entries {@link StepSpec#passEnv()}; {@code ^input} entries are covered by the
 * dependencies' cache keys; {@code runtime} and {@code externalDependencies} inputs are ignored. {@code cache}
 * is false unless the target or its default says true, as in Nx 17 and later.
 *
 * <p>Not supported (reported as a {@link DetectionException} or a warning, never silently): glob or tag
 * patterns in {@code projects}, {@code targetDefaults} keys with globs, Nx plugins' inferred targets, project
 * graph edges from source imports, projects outside the package manager's workspace (integrated repositories
 * with project.json only).
 *
 * <p>One instance serves one detection on one thread.
 *
 * @see <a href="https://nx.dev/reference/project-configuration">Nx project configuration</a>
 * @see <a href="https://nx.dev/reference/nx-json">nx.json reference</a>
 */
final class NxGraph {

    static final String FILE = "nx.json";
    static final String PROJECT_FILE = "project.json";
    private static final String PACKAGE_JSON = "package.json";

    /** One workspace package as an Nx project. */
    record Member(String name, String stepPrefix, Path dir, Set<String> scripts, Set<String> dependencies) {
    }

    private record Node(Project project, String target) {
        String id() {
            return project.member().name() + ":" + target;
        }
    }

    /** A project with its merged targets. */
    private record Project(Member member, Path projectFile, Map<String, ObjectNode> targets, Set<String> deps,
                           Map<String, JsonNode> namedInputs) {
    }

    private final RepoTree tree;
    private final Path rootDir;
    private final Path nxFile;
    private final JsonNode nxJson;
    private final Map<String, Project> projects = new LinkedHashMap<>();
    private final Map<Node, List<Node>> edges = new LinkedHashMap<>();
    private final Map<Node, Optional<Command>> commands = new HashMap<>();
    private final Map<Node, String> cwds = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private NxGraph(RepoTree tree, Path rootDir, JsonNode nxJson) {
        this.tree = tree;
        this.rootDir = rootDir;
        this.nxFile = rootDir.resolve(FILE);
        this.nxJson = nxJson;
    }

    /**
     * The steps of an Nx workspace.
     *
     * @param tree          the repository
     * @param rootDir       the workspace root (relative to the repository root); it has nx.json
     * @param members       the workspace's packages, with their package.json names
     * @param script        the command running a package.json script in its package
     * @param defaultInputs the inputs of a target that declares none, relative to its project
     * @param warnings      receives what could not be mapped
     * @return the steps, sorted by name; every {@code dependsOn} names one of them
     * @throws DetectionException when nx.json or a project.json is not valid JSON or has a field of the wrong
     *                            type, a {@code dependsOn} names a project the workspace does not have or uses a
     *                            form Nx rejects, or the targets form a cycle (the message names the file)
     */
    static List<StepSpec> steps(RepoTree tree, Path rootDir, List<Member> members, Function<String, Command> script,
                                List<String> defaultInputs, List<String> warnings) throws DetectionException {
        JsonNode nx = BuildFiles.jsonWithComments(tree, rootDir.resolve(FILE));
        if (nx == null || !nx.isObject()) {
            throw BuildFiles.problem(rootDir.resolve(FILE), "is not a JSON object");
        }
        NxGraph g = new NxGraph(tree, rootDir, nx);
        g.readProjects(members);
        g.link(script);
        List<Node> cycle = TaskGraphs.findCycle(g.edges);
        if (!cycle.isEmpty()) {
            throw BuildFiles.problem(g.nxFile, "the targets' dependsOn form a cycle: "
                    + String.join(" -> ", cycle.stream().map(Node::id).toList())
                    + "; remove one of these dependencies (or the project dependency behind a ^ entry)");
        }
        List<StepSpec> steps = g.toSteps(defaultInputs);
        warnings.addAll(g.warnings);
        return steps;
    }

    private void readProjects(List<Member> members) throws DetectionException {
        Map<String, ObjectNode> defaults = objects(nxFile, nxJson.get("targetDefaults"), "targetDefaults");
        for (Member m : members) {
            JsonNode pkgNx = Nodes.at(BuildFiles.json(tree, m.dir().resolve(PACKAGE_JSON)), "nx");
            Path projectFile = m.dir().resolve(PROJECT_FILE);
            JsonNode project = tree.isFile(projectFile) ? BuildFiles.jsonWithComments(tree, projectFile) : null;
            if (project != null && !project.isObject()) {
                throw BuildFiles.problem(projectFile, "is not a JSON object");
            }
            Set<String> scripts = new TreeSet<>(m.scripts());
            if (pkgNx != null && pkgNx.has("includedScripts")) {
                scripts.retainAll(Nodes.strings(pkgNx, "includedScripts"));
            }
            Map<String, ObjectNode> fromPkg = objects(m.dir().resolve(PACKAGE_JSON),
                    pkgNx == null ? null : pkgNx.get("targets"), "nx.targets");
            Map<String, ObjectNode> fromProject = objects(projectFile,
                    project == null ? null : project.get("targets"), "targets");
            Set<String> names = new LinkedHashSet<>(scripts);
            names.addAll(fromPkg.keySet());
            names.addAll(fromProject.keySet());
            Map<String, ObjectNode> targets = new LinkedHashMap<>();
            for (String t : names) {
                ObjectNode own = overlay(fromPkg.get(t), fromProject.get(t));
                String executor = own == null ? null : Nodes.string(own, "executor").orElse(null);
                ObjectNode base = executor != null && defaults.containsKey(executor) ? defaults.get(executor) : defaults.get(t);
                ObjectNode merged = overlay(base, own);
                targets.put(t, merged == null ? JsonNodeFactory.instance.objectNode() : merged);
            }
            Set<String> deps = new LinkedHashSet<>(m.dependencies());
            List<String> implicit = new ArrayList<>(Nodes.strings(pkgNx, "implicitDependencies"));
            implicit.addAll(Nodes.strings(project, "implicitDependencies"));
            for (String d : implicit) {
                if (d.startsWith("!")) {
                    deps.remove(d.substring(1));
                } else {
                    deps.add(d);
                }
            }
            Map<String, JsonNode> namedInputs = new HashMap<>();
            putAll(namedInputs, nxJson.get("namedInputs"));
            putAll(namedInputs, project == null ? null : project.get("namedInputs"));
            projects.putIfAbsent(m.name(), new Project(m, project == null ? m.dir().resolve(PACKAGE_JSON)
                    : projectFile, targets, deps, namedInputs));
        }
    }

    private static void putAll(Map<String, JsonNode> into, JsonNode obj) {
        if (obj != null && obj.isObject()) {
            obj.properties().forEach(e -> into.put(e.getKey(), e.getValue()));
        }
    }

    /** {@code top}'s fields over {@code base}'s; {@code options} merged key by key. Null when both are null. */
    private static ObjectNode overlay(ObjectNode base, ObjectNode top) {
        if (base == null || top == null) {
            return top == null ? (base == null ? null : base.deepCopy()) : top.deepCopy();
        }
        ObjectNode merged = base.deepCopy();
        for (Map.Entry<String, JsonNode> e : top.properties()) {
            JsonNode inherited = merged.get(e.getKey());
            if ("options".equals(e.getKey()) && inherited instanceof ObjectNode io && e.getValue() instanceof ObjectNode to) {
                ObjectNode opts = io.deepCopy();
                to.properties().forEach(o -> opts.set(o.getKey(), o.getValue()));
                merged.set("options", opts);
            } else {
                merged.set(e.getKey(), e.getValue());
            }
        }
        return merged;
    }

    private static Map<String, ObjectNode> objects(Path file, JsonNode node, String what) throws DetectionException {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw BuildFiles.problem(file, "'" + what + "' must be an object of target configurations");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!(e.getValue() instanceof ObjectNode o)) {
                throw BuildFiles.problem(file, "'" + what + "." + e.getKey() + "' must be an object");
            }
            out.put(e.getKey(), o);
        }
        return out;
    }

    private void link(Function<String, Command> script) throws DetectionException {
        for (Project p : projects.values()) {
            for (Map.Entry<String, ObjectNode> t : p.targets().entrySet()) {
                Node n = new Node(p, t.getKey());
                commands.put(n, command(n, t.getValue(), script));
            }
        }
        for (Project p : projects.values()) {
            for (Map.Entry<String, ObjectNode> t : p.targets().entrySet()) {
                Node from = new Node(p, t.getKey());
                List<Node> to = new ArrayList<>();
                JsonNode dependsOn = t.getValue().get("dependsOn");
                if (dependsOn != null && !dependsOn.isArray()) {
                    throw BuildFiles.problemAt(tree, p.projectFile(), t.getKey(), "'dependsOn' of " + from.id()
                            + " must be an array, was " + dependsOn);
                }
                for (JsonNode d : dependsOn == null ? List.<JsonNode>of() : dependsOn.values()) {
                    addTargets(from, d, to);
                }
                edges.put(from, to);
            }
        }
    }

    private void addTargets(Node from, JsonNode entry, List<Node> to) throws DetectionException {
        Project p = from.project();
        if (entry.isString()) {
            String s = entry.stringValue();
            if (s.startsWith("^")) {
                dependencyTargets(p, s.substring(1), to, new HashSet<>());
                return;
            }
            int colon = s.indexOf(':');
            if (colon > 0 && projects.containsKey(s.substring(0, colon))) {
                addIfPresent(projects.get(s.substring(0, colon)), s.substring(colon + 1), to);
                return;
            }
            addIfPresent(p, s, to);
            return;
        }
        if (!entry.isObject() || !Nodes.string(entry, "target").isPresent()) {
            throw BuildFiles.problemAt(tree, p.projectFile(), from.target(), "dependsOn entry " + entry + " of "
                    + from.id() + " must be \"target\", \"^target\" or {\"target\": ..., \"dependencies\": true}");
        }
        String target = Nodes.string(entry, "target").get();
        JsonNode projectsField = entry.get("projects");
        if (entry.path("dependencies").asBoolean(false)) {
            dependencyTargets(p, target, to, new HashSet<>());
        } else if (projectsField == null || projectsField.isNull() || "self".equals(projectsField.asString(""))) {
            addIfPresent(p, target, to);
        } else if (projectsField.isString() && "dependencies".equals(projectsField.stringValue())) {
            throw BuildFiles.problemAt(tree, p.projectFile(), from.target(), "dependsOn entry " + entry + " of "
                    + from.id() + " uses projects: 'dependencies', which Nx no longer supports; write "
                    + "{\"target\": \"" + target + "\", \"dependencies\": true}");
        } else {
            List<String> names = projectsField.isArray() ? Nodes.strings(projectsField)
                    : List.of(projectsField.asString(""));
            for (String name : names) {
                Project q = projects.get(name);
                if (q == null) {
                    throw BuildFiles.problemAt(tree, p.projectFile(), from.target(), "dependsOn of " + from.id()
                            + " names project '" + name + "', which the workspace does not have (Munero reads exact "
                            + "project names, not patterns or tags); its projects: "
                            + String.join(", ", new TreeSet<>(projects.keySet())));
                }
                addIfPresent(q, target, to);
            }
        }
    }

    private static void addIfPresent(Project p, String target, List<Node> to) {
        if (p.targets().containsKey(target)) {
            to.add(new Node(p, target));
        }
    }

    /** {@code target} of each project {@code p} depends on; a project without it is looked through, as Nx does. */
    private void dependencyTargets(Project p, String target, List<Node> to, Set<Project> seen) {
        for (String d : p.deps()) {
            Project q = projects.get(d);
            if (q == null || q == p || !seen.add(q)) {
                continue;
            }
            if (q.targets().containsKey(target)) {
                to.add(new Node(q, target));
            } else {
                dependencyTargets(q, target, to, seen);
            }
        }
    }

    private Optional<Command> command(Node n, ObjectNode target, Function<String, Command> script) {
        if (target.path("continuous").asBoolean(false)) {
            return Optional.empty();
        }
        String executor = Nodes.string(target, "executor").orElse(null);
        JsonNode options = target.get("options");
        Optional<String> shell = Nodes.string(target, "command").or(() -> Nodes.string(options, "command"));
        JsonNode list = Nodes.at(options, "commands");
        if (shell.isEmpty() && list != null && list.isArray() && !list.isEmpty()) {
            List<String> parts = new ArrayList<>();
            list.values().forEach(c -> parts.add(c.isString() ? c.stringValue() : Nodes.string(c, "command").orElse("")));
            if (parts.size() == 1 || options.path("parallel").isBoolean() && !options.path("parallel").booleanValue()) {
                shell = Optional.of(String.join(" && ", parts));
            } else {
                warnings.add(RelPaths.str(n.project().projectFile()) + ": target " + n.id() + " runs several commands in "
                        + "parallel (nx:run-commands); Munero does not run it: set \"parallel\": false or give one command");
                return Optional.empty();
            }
        }
        if (shell.isPresent() && (executor == null || "nx:run-commands".equals(executor))) {
            String cwd = Nodes.string(options, "cwd").map(c -> RelPaths.str(rootDir.resolve(c).normalize()))
                    .orElse(RelPaths.str(rootDir));
            cwds.put(n, cwd);
            return Optional.of(new Command.Shell(shell.get()));
        }
        String scriptName = "nx:run-script".equals(executor)
                ? Nodes.string(options, "script").orElse(n.target()) : executor == null ? n.target() : null;
        if (scriptName != null && n.project().member().scripts().contains(scriptName)) {
            cwds.put(n, RelPaths.str(n.project().member().dir()));
            return Optional.of(script.apply(scriptName));
        }
        warnings.add(RelPaths.str(n.project().projectFile()) + ": target " + n.id() + (executor == null
                ? " has no command and no package.json script" : " uses executor " + executor + ", which needs Nx")
                + "; Munero leaves it out (its dependents wait for its dependencies instead)");
        return Optional.empty();
    }

    private boolean runs(Node n) {
        return commands.get(n).isPresent();
    }

    private List<StepSpec> toSteps(List<String> defaultInputs) {
        List<StepSpec> steps = new ArrayList<>();
        for (Node n : edges.keySet()) {
            if (!runs(n)) {
                continue;
            }
            ObjectNode target = n.project().targets().get(n.target());
            String cwd = cwds.get(n);
            List<String> passEnv = new ArrayList<>();
            List<String> inputs = target.has("inputs")
                    ? inputs(n, target.get("inputs"), cwd, passEnv, new HashSet<>())
                    : new ArrayList<>(cwdRelative(n, cwd, defaultInputs));
            Set<String> deps = new TreeSet<>();
            TaskGraphs.runnableDependencies(n, edges, this::runs)
                    .forEach(d -> deps.add(d.project().member().stepPrefix() + ":" + d.target()));
            steps.add(StepSpec.builder(n.project().member().stepPrefix() + ":" + n.target(), commands.get(n).get())
                    .cwd(cwd)
                    .dependsOn(new ArrayList<>(deps))
                    .inputs(inputs)
                    .outputs(outputs(n, target, cwd))
                    .passEnv(passEnv)
                    .cache(target.path("cache").asBoolean(false))
                    .build());
        }
        steps.sort(java.util.Comparator.comparing(StepSpec::name));
        return steps;
    }

    /** Globs written relative to the project, as a step running in {@code cwd} declares them. */
    private List<String> cwdRelative(Node n, String cwd, List<String> globs) {
        Path projectDir = n.project().member().dir();
        if (RelPaths.str(projectDir).equals(cwd)) {
            return globs;
        }
        List<String> out = new ArrayList<>();
        for (String g : globs) {
            boolean negated = g.startsWith("!");
            String plain = negated ? g.substring(1) : g;
            String rooted = plain.startsWith("/") ? plain : RelPaths.rooted(projectDir, plain);
            out.add(negated ? RelPaths.not(rooted) : rooted);
        }
        return out;
    }

    private List<String> inputs(Node n, JsonNode entries, String cwd, List<String> passEnv, Set<String> expanding) {
        List<String> out = new ArrayList<>();
        if (!entries.isArray()) {
            return out;
        }
        for (JsonNode e : entries.values()) {
            if (e.isObject()) {
                Nodes.string(e, "env").ifPresent(passEnv::add);
                Nodes.string(e, "fileset").flatMap(f -> path(n, f, cwd)).ifPresent(out::add);
                continue;
            }
            if (!e.isString() || e.stringValue().startsWith("^")) {
                continue; // a dependency's inputs are in its cache key, which this step's key includes
            }
            String s = e.stringValue();
            JsonNode named = n.project().namedInputs().get(s);
            if (named == null && "default".equals(s)) {
                out.addAll(path(n, "{projectRoot}/**/*", cwd).stream().toList());
            } else if (named != null) {
                if (expanding.add(s)) {
                    out.addAll(inputs(n, named, cwd, passEnv, expanding));
                    expanding.remove(s);
                }
            } else {
                path(n, s, cwd).ifPresent(out::add);
            }
        }
        return out;
    }

    private List<String> outputs(Node n, ObjectNode target, String cwd) {
        List<String> out = new ArrayList<>();
        for (String o : Nodes.strings(target, "outputs")) {
            Optional<String> p = path(n, substituteOptions(n, target, o), cwd);
            if (p.isPresent()) {
                out.add(p.get());
            } else {
                warnings.add(RelPaths.str(n.project().projectFile()) + ": output '" + o + "' of " + n.id()
                        + " cannot be resolved without Nx; it is not cached");
            }
        }
        return out;
    }

    private static String substituteOptions(Node n, ObjectNode target, String glob) {
        String g = glob;
        JsonNode options = target.get("options");
        if (options != null && options.isObject()) {
            for (Map.Entry<String, JsonNode> o : options.properties()) {
                if (o.getValue().isString()) {
                    // Nx resolves an option path against the workspace root
                    g = g.replace("{options." + o.getKey() + "}", "{workspaceRoot}/" + o.getValue().stringValue());
                }
            }
        }
        return g.replace("{projectName}", n.project().member().name());
    }

    /**
     * A Nx path ({@code {projectRoot}/x}, {@code {workspaceRoot}/x}, {@code !}-negated) as a glob of a step whose
     * cwd is {@code cwd}; empty when it holds a token that is left.
     */
    private Optional<String> path(Node n, String nxPath, String cwd) {
        boolean negated = nxPath.startsWith("!");
        String p = negated ? nxPath.substring(1) : nxPath;
        Path dir;
        if (p.startsWith("{projectRoot}")) {
            dir = n.project().member().dir();
            p = p.substring("{projectRoot}".length());
        } else if (p.startsWith("{workspaceRoot}")) {
            dir = rootDir;
            p = p.substring("{workspaceRoot}".length());
        } else {
            dir = rootDir; // Nx reads a bare path from the workspace root
        }
        p = p.replaceFirst("^/+", "");
        if (p.contains("{")) {
            return Optional.empty();
        }
        String glob = p.isEmpty() ? "**" : p;
        String mapped = RelPaths.from(Path.of(cwd.equals(".") ? "" : cwd), dir, glob);
        return Optional.of(negated ? RelPaths.not(mapped) : mapped);
    }
}
