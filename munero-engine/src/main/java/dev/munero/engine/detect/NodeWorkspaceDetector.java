package dev.munero.engine.detect;

import dev.munero.engine.config.Command;
import dev.munero.engine.config.StepSpec;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.JsonNode;

/**
 * Detects Node.js projects: workspaces (npm and yarn {@code workspaces} in package.json, as an array or
 * as {@code {"packages": [...]}}, or pnpm's {@code pnpm-workspace.yaml}) and standalone package.json
 * projects, at the root or in subdirectories (a {@code frontend/} next to a Maven back end).
 *
 * <p>Every package with a {@code build} script gets {@code <name>:build} running
 * {@code <pm> run build} in its directory; one with a {@code test} script (other than npm's
 * {@code "Error: no test specified"} placeholder) gets {@code <name>:test}, which depends on the
 * package's own build, or when it has none on the builds its workspace dependencies need. A build
 * depends on the builds of the workspace packages named in its dependencies, devDependencies,
 * peerDependencies and optionalDependencies; a dependency without a build script is looked through to
 * its own workspace dependencies, transitively. The package manager {@code <pm>} is pnpm when the
 * project root has pnpm-lock.yaml or pnpm-workspace.yaml, yarn when it has yarn.lock, else the one
 * named by the {@code packageManager} field, else npm.
 *
 * <p>Which package.json files count, shallowest first: one that is a member of an earlier workspace is
 * taken as that member; one that a workspace's {@code !} glob excludes, one below a member, below a
 * workspace root other than the repository root, or below a standalone project other than the
 * repository root is ignored (fixtures, examples, vendored copies). The scripts of a workspace root itself are not turned into steps: they usually fan out to
 * the members, which already have steps. Installing dependencies ({@code npm ci}) is not a step.
 *
 * <p>A workspace whose root has a {@code turbo.json} gets turbo's task graph instead of the build and test steps
 * above ({@link TurboGraph}); one with an {@code nx.json} and no {@code turbo.json} gets Nx's ({@link NxGraph}).
 * Step names stay {@code <package>:<task>}; the workspace root's own turbo tasks ({@code //#task}) are named
 * after the root package.
 *
 * <p>Stateless and thread-safe.
 */
final class NodeWorkspaceDetector implements Detector {

    private static final String PACKAGE_JSON = "package.json";
    private static final List<String> OUTPUTS = List.of("dist/**", "build/**", "out/**");
    private static final List<String> DEPENDENCY_FIELDS =
            List.of("dependencies", "devDependencies", "peerDependencies", "optionalDependencies");
    private static final String NPM_PLACEHOLDER_TEST = "Error: no test specified";

    /**
     * One package.json that is turned into steps.
     *
     * @param scripts              names of its non-blank scripts
     * @param dependencies         every name in its four dependency fields
     * @param turboDependencies    the names turbo's package graph follows: dependencies, devDependencies and
     *                             optionalDependencies (not peerDependencies)
     */
    private record Package(Path dir, String name, boolean hasBuild, boolean hasTest, Set<String> dependencies,
                           Set<String> scripts, Set<String> turboDependencies) {
    }

    /**
     * Packages built together: a workspace's members, or one standalone package.
     *
     * @param self the package.json at {@code root}: the workspace root's own package, or the standalone one
     */
    private record Group(Path root, String manager, List<Package> packages, Package self, boolean workspace) {
    }

    /** The package directories a workspace's globs match, and those its {@code !} globs take out again. */
    private record Members(List<Path> included, List<Path> excluded) {
    }

    @Override
    public String id() {
        return "npm";
    }

    @Override
    public Set<String> buildFileNames() {
        return Set.of(PACKAGE_JSON, TurboConfig.FILE, NxGraph.FILE, NxGraph.PROJECT_FILE);
    }

    @Override
    public Detection scan(RepoTree tree) throws DetectionException {
        List<String> warnings = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        Set<Path> hidden = new HashSet<>();
        for (Path file : tree.files(PACKAGE_JSON)) {
            Path dir = RelPaths.parentOf(file);
            // Members were read with their workspace; anything at or below a hidden directory is not a project.
            if (RelPaths.isAtOrBelowAny(dir, hidden)) {
                continue;
            }
            JsonNode json = readPackage(tree, file);
            String manager = manager(tree, dir, json);
            Optional<List<String>> patterns = workspacePatterns(tree, dir, json);
            if (patterns.isPresent()) {
                List<Package> packages = new ArrayList<>();
                Members found = expand(tree, dir, patterns.get(), warnings);
                hidden.addAll(found.excluded());
                for (Path member : found.included()) {
                    hidden.add(member);
                    packages.add(toPackage(tree, member, readPackage(tree, member.resolve(PACKAGE_JSON))));
                }
                groups.add(new Group(dir, manager, packages, toPackage(tree, dir, json), true));
            } else {
                Package self = toPackage(tree, dir, json);
                groups.add(new Group(dir, manager, List.of(self), self, false));
            }
            if (RepoTree.depth(dir) > 0) {
                hidden.add(dir);
            }
        }
        return new Detection(steps(tree, groups, warnings), warnings);
    }

    private static JsonNode readPackage(RepoTree tree, Path file) throws DetectionException {
        JsonNode json = BuildFiles.json(tree, file);
        if (json == null || !json.isObject()) {
            throw BuildFiles.problem(file, "is not a JSON object");
        }
        return json;
    }

    private static Package toPackage(RepoTree tree, Path dir, JsonNode json) {
        String name = Nodes.string(json, "name").filter(n -> !n.isBlank()).orElse(RelPaths.dirName(tree.root(), dir));
        boolean hasBuild = Nodes.string(json, "scripts", "build").filter(s -> !s.isBlank()).isPresent();
        boolean hasTest = Nodes.string(json, "scripts", "test")
                .filter(s -> !s.isBlank() && !s.contains(NPM_PLACEHOLDER_TEST))
                .isPresent();
        Set<String> deps = new TreeSet<>();
        Set<String> turboDeps = new TreeSet<>();
        for (String field : DEPENDENCY_FIELDS) {
            JsonNode d = json.get(field);
            if (d != null && d.isObject()) {
                deps.addAll(d.propertyNames());
                if (!"peerDependencies".equals(field)) {
                    turboDeps.addAll(d.propertyNames());
                }
            }
        }
        Set<String> scripts = new TreeSet<>();
        JsonNode s = json.get("scripts");
        if (s != null && s.isObject()) {
            s.properties().stream().filter(e -> e.getValue().isString() && !e.getValue().stringValue().isBlank())
                    .forEach(e -> scripts.add(e.getKey()));
        }
        return new Package(dir, name, hasBuild, hasTest, deps, scripts, turboDeps);
    }

    private static String manager(RepoTree tree, Path dir, JsonNode json) {
        if (tree.isFile(dir.resolve("pnpm-lock.yaml")) || tree.isFile(dir.resolve("pnpm-workspace.yaml"))) {
            return "pnpm";
        }
        if (tree.isFile(dir.resolve("yarn.lock"))) {
            return "yarn";
        }
        String declared = Nodes.string(json, "packageManager").orElse("");
        for (String pm : List.of("pnpm", "yarn", "npm")) {
            if (declared.startsWith(pm + "@")) {
                return pm;
            }
        }
        return "npm";
    }

    private static Optional<String> lockFile(RepoTree tree, Path dir, String manager) {
        List<String> candidates = switch (manager) {
            case "pnpm" -> List.of("pnpm-lock.yaml");
            case "yarn" -> List.of("yarn.lock");
            default -> List.of("package-lock.json", "npm-shrinkwrap.json");
        };
        return candidates.stream().filter(f -> tree.isFile(dir.resolve(f))).findFirst();
    }

    /** The workspace globs of the project in {@code dir}, empty when it is not a workspace root. */
    private static Optional<List<String>> workspacePatterns(RepoTree tree, Path dir, JsonNode json)
            throws DetectionException {
        Path pnpmFile = dir.resolve("pnpm-workspace.yaml");
        if (tree.isFile(pnpmFile)) {
            Object yaml = BuildFiles.yaml(tree, pnpmFile);
            if (yaml instanceof Map<?, ?> map && map.get("packages") != null) {
                if (!(map.get("packages") instanceof List<?> list)) {
                    throw BuildFiles.problem(pnpmFile, "'packages' must be a list of globs");
                }
                List<String> globs = new ArrayList<>();
                for (Object o : list) {
                    globs.add(String.valueOf(o));
                }
                return Optional.of(globs);
            }
        }
        JsonNode ws = json.get("workspaces");
        if (ws == null || ws.isNull()) {
            return Optional.empty();
        }
        JsonNode list = ws.isObject() ? ws.get("packages") : ws;
        if (list == null || !list.isArray()) {
            throw BuildFiles.problem(dir.resolve(PACKAGE_JSON),
                    "'workspaces' must be an array of globs or an object with a 'packages' array");
        }
        return Optional.of(Nodes.strings(list));
    }

    /** The directories below {@code root} with a package.json matching the globs, shallowest first. */
    private static Members expand(RepoTree tree, Path root, List<String> patterns, List<String> warnings)
            throws DetectionException {
        List<PathMatcher> include = new ArrayList<>();
        List<PathMatcher> exclude = new ArrayList<>();
        List<String> includeText = new ArrayList<>();
        for (String raw : patterns) {
            boolean negated = raw.startsWith("!");
            String glob = normalise(negated ? raw.substring(1) : raw);
            if (glob.isEmpty() || ".".equals(glob)) {
                continue;
            }
            try {
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
                (negated ? exclude : include).add(m);
                if (!negated) {
                    includeText.add(glob);
                }
            } catch (PatternSyntaxException e) {
                throw BuildFiles.problem(root.resolve(PACKAGE_JSON), "workspace glob '" + raw + "' is invalid: "
                        + e.getDescription());
            }
        }
        List<Path> found = new ArrayList<>();
        List<Path> excluded = new ArrayList<>();
        boolean[] used = new boolean[include.size()];
        for (Path dir : tree.dirsBelow(root)) {
            if (!tree.hasFile(dir.resolve(PACKAGE_JSON))) {
                continue;
            }
            Path rel = root.relativize(dir);
            boolean matched = false;
            for (int i = 0; i < include.size(); i++) {
                if (include.get(i).matches(rel)) {
                    used[i] = true;
                    matched = true;
                }
            }
            if (matched) {
                (exclude.stream().anyMatch(m -> m.matches(rel)) ? excluded : found).add(dir);
            }
        }
        for (int i = 0; i < used.length; i++) {
            if (!used[i]) {
                warnings.add("workspace glob '" + includeText.get(i) + "' of " + RelPaths.str(root.resolve(PACKAGE_JSON))
                        + " matches no directory with a package.json");
            }
        }
        return new Members(found, excluded);
    }

    private static String normalise(String glob) {
        String g = glob.trim().replace('\\', '/');
        while (g.startsWith("./")) {
            g = g.substring(2);
        }
        while (g.endsWith("/")) {
            g = g.substring(0, g.length() - 1);
        }
        return g;
    }

    private static List<StepSpec> steps(RepoTree tree, List<Group> groups, List<String> warnings)
            throws DetectionException {
        Map<Package, String> preferred = new LinkedHashMap<>();
        for (Group g : groups) {
            g.packages().forEach(p -> preferred.put(p, p.name()));
            if (isTurbo(tree, g)) {
                preferred.putIfAbsent(g.self(), g.self().name());
            }
        }
        Map<Package, String> names = StepNames.unique(preferred,
                p -> RelPaths.label(tree.root(), p.dir()));
        List<StepSpec> steps = new ArrayList<>();
        for (Group group : groups) {
            Map<String, Package> byName = new LinkedHashMap<>();
            group.packages().forEach(p -> byName.putIfAbsent(p.name(), p));
            List<String> inputs = new ArrayList<>(List.of("**", RelPaths.not("node_modules/**")));
            OUTPUTS.forEach(o -> inputs.add(RelPaths.not(o)));
            lockFile(tree, group.root(), group.manager()).ifPresent(lock -> inputs.add(RelPaths.rooted(group.root(), lock)));
            if (isTurbo(tree, group)) {
                steps.addAll(turboSteps(tree, group, names, inputs, warnings));
                continue;
            }
            if (isNx(tree, group)) {
                List<NxGraph.Member> members = new ArrayList<>();
                group.packages().forEach(p -> members.add(
                        new NxGraph.Member(p.name(), names.get(p), p.dir(), p.scripts(), p.dependencies())));
                steps.addAll(NxGraph.steps(tree, group.root(), members, task -> run(group.manager(), task), inputs,
                        warnings));
                continue;
            }
            for (Package p : group.packages()) {
                String name = names.get(p);
                List<String> depBuilds = new ArrayList<>(new TreeSet<>(buildDependencies(p, byName, names)));
                if (p.hasBuild()) {
                    steps.add(StepSpec.builder(name + ":build", run(group.manager(), "build"))
                            .cwd(RelPaths.str(p.dir()))
                            .dependsOn(depBuilds)
                            .inputs(inputs)
                            .outputs(OUTPUTS)
                            .build());
                }
                if (p.hasTest()) {
                    steps.add(StepSpec.builder(name + ":test", run(group.manager(), "test"))
                            .cwd(RelPaths.str(p.dir()))
                            .dependsOn(p.hasBuild() ? List.of(name + ":build") : depBuilds)
                            .inputs(inputs)
                            .build());
                }
            }
        }
        steps.sort(Comparator.comparing(StepSpec::name));
        return steps;
    }

    /** Whether the group is a workspace whose root has a turbo.json, so turbo's task graph is the build's. */
    private static boolean isTurbo(RepoTree tree, Group group) {
        return group.workspace() && tree.hasFile(group.root().resolve(TurboConfig.FILE));
    }

    /** Whether the group is a workspace whose root has nx.json (and no turbo.json, which wins). */
    private static boolean isNx(RepoTree tree, Group group) {
        return group.workspace() && !isTurbo(tree, group) && tree.hasFile(group.root().resolve(NxGraph.FILE));
    }

    /** The steps turbo.json defines for a workspace; see {@link TurboGraph}. */
    private static List<StepSpec> turboSteps(RepoTree tree, Group group, Map<Package, String> names,
                                             List<String> packageInputs, List<String> warnings)
            throws DetectionException {
        Map<String, Path> dirs = new LinkedHashMap<>();
        List<TurboGraph.Member> members = new ArrayList<>();
        for (Package p : group.packages()) {
            if (dirs.putIfAbsent(p.name(), p.dir()) == null) {
                members.add(new TurboGraph.Member(p.name(), names.get(p), p.dir(), p.scripts(), p.turboDependencies()));
            }
        }
        Package self = group.self();
        TurboGraph.Member root = new TurboGraph.Member(TurboConfig.ROOT, names.get(self), self.dir(), self.scripts(),
                self.turboDependencies());
        TurboConfig config = TurboConfig.read(tree, group.root(), dirs);
        List<String> defaults = new ArrayList<>(packageInputs);
        // turbo writes its task logs there; they are not sources
        defaults.add(RelPaths.not(".turbo/**"));
        return TurboGraph.steps(tree, config, root, members, task -> run(group.manager(), task), defaults, warnings);
    }

    /** Build steps of the workspace packages {@code p} needs, looking through packages without a build. */
    private static Set<String> buildDependencies(Package p, Map<String, Package> byName, Map<Package, String> names) {
        Set<String> out = new TreeSet<>();
        Set<Package> seen = new LinkedHashSet<>(List.of(p));
        List<Package> todo = new ArrayList<>(List.of(p));
        while (!todo.isEmpty()) {
            Package current = todo.remove(todo.size() - 1);
            for (String dep : current.dependencies()) {
                Package d = byName.get(dep);
                if (d == null || !seen.add(d)) {
                    continue;
                }
                if (d.hasBuild()) {
                    out.add(names.get(d) + ":build");
                } else {
                    todo.add(d);
                }
            }
        }
        return out;
    }

    private static Command run(String manager, String script) {
        return new Command.Argv(List.of(manager, "run", script));
    }
}
