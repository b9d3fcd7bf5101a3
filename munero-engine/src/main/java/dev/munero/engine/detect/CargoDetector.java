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
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.JsonNode;

/**
 * Detects Rust crates: Cargo workspaces ({@code [workspace] members}, globs allowed, minus
 * {@code exclude}, plus the root {@code [package]} if the workspace manifest has one) and single crates.
 *
 * <p>Per crate, run from the workspace root: {@code <crate>:build} = {@code cargo build -p <crate>} and
 * {@code <crate>:test} = {@code cargo test -p <crate>} after it. A crate's build depends on the builds
 * of the members it names as path dependency ({@code [dependencies]}, {@code [build-dependencies]}, their
 * {@code [target.*]} variants, and {@code workspace = true} entries whose
 * {@code [workspace.dependencies]} entry has a path); its test also on those of its dev-dependencies.
 *
 * <p>Which Cargo.toml files count, shallowest first: a workspace hides every manifest below it (Cargo
 * requires those to be members or excluded); a single crate in a subdirectory hides the manifests
 * below it (they are its path dependencies or examples); a single crate at the repository root hides
 * nothing.
 *
 * <p>Stateless and thread-safe.
 */
final class CargoDetector implements Detector {

    private static final String MANIFEST = "Cargo.toml";
    private static final List<String> BUILD_TABLES = List.of("dependencies", "build-dependencies");
    private static final String DEV_TABLE = "dev-dependencies";

    /** One crate of a workspace. */
    private record Crate(Path dir, String name, Set<Path> buildDeps, Set<Path> devDeps) {
    }

    /** Crates built from one workspace root (a single crate is a workspace of one). */
    private record Workspace(Path root, List<Crate> crates) {
    }

    @Override
    public String id() {
        return "cargo";
    }

    @Override
    public Set<String> buildFileNames() {
        return Set.of(MANIFEST);
    }

    @Override
    public Detection scan(RepoTree tree) throws DetectionException {
        List<String> warnings = new ArrayList<>();
        List<Workspace> workspaces = new ArrayList<>();
        Set<Path> hidden = new HashSet<>();
        for (Path file : tree.files(MANIFEST)) {
            Path dir = RelPaths.parentOf(file);
            if (RelPaths.isAtOrBelowAny(dir, hidden)) {
                continue;
            }
            JsonNode manifest = BuildFiles.toml(tree, file);
            if (Nodes.isObject(manifest, "workspace")) {
                workspaces.add(workspace(tree, dir, manifest, warnings));
                hidden.add(dir);
            } else if (Nodes.isObject(manifest, "package")) {
                workspaces.add(new Workspace(dir, List.of(crate(tree, dir, dir, manifest, null))));
                if (RepoTree.depth(dir) > 0) {
                    hidden.add(dir);
                }
            } else {
                warnings.add(RelPaths.str(file) + " has neither [package] nor [workspace]; ignored it");
            }
        }
        return new Detection(steps(tree, workspaces), warnings);
    }

    private static Workspace workspace(RepoTree tree, Path root, JsonNode manifest, List<String> warnings)
            throws DetectionException {
        Path file = root.resolve(MANIFEST);
        List<PathMatcher> members = matchers(file, Nodes.strings(manifest, "workspace", "members"));
        List<PathMatcher> excluded = matchers(file, Nodes.strings(manifest, "workspace", "exclude"));
        List<Crate> crates = new ArrayList<>();
        if (Nodes.isObject(manifest, "package")) {
            crates.add(crate(tree, root, root, manifest, manifest));
        }
        for (Path dir : tree.dirsBelow(root)) {
            Path rel = root.relativize(dir);
            if (tree.hasFile(dir.resolve(MANIFEST))
                    && members.stream().anyMatch(m -> m.matches(rel))
                    && excluded.stream().noneMatch(m -> m.matches(rel))) {
                Path memberFile = dir.resolve(MANIFEST);
                JsonNode member = BuildFiles.toml(tree, memberFile);
                if (!Nodes.isObject(member, "package")) {
                    warnings.add(RelPaths.str(memberFile) + " is a workspace member without [package]; ignored it");
                    continue;
                }
                crates.add(crate(tree, root, dir, member, manifest));
            }
        }
        if (crates.isEmpty()) {
            warnings.add(RelPaths.str(file) + " declares a workspace whose members match no crate");
        }
        return new Workspace(root, crates);
    }

    private static List<PathMatcher> matchers(Path file, List<String> globs) throws DetectionException {
        List<PathMatcher> out = new ArrayList<>();
        for (String g : globs) {
            String glob = g.replace('\\', '/').replaceAll("^(\\./)+", "").replaceAll("/+$", "");
            try {
                out.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            } catch (PatternSyntaxException e) {
                throw BuildFiles.problem(file, "workspace glob '" + g + "' is invalid: " + e.getDescription());
            }
        }
        return out;
    }

    /**
     * @param workspaceManifest the workspace root's manifest, for {@code workspace = true} entries; null
     *                          for a crate outside any workspace
     */
    private static Crate crate(RepoTree tree, Path workspaceRoot, Path dir, JsonNode manifest,
                               JsonNode workspaceManifest) throws DetectionException {
        String name = Nodes.string(manifest, "package", "name")
                .orElseThrow(() -> BuildFiles.problem(dir.resolve(MANIFEST), "[package] has no name"));
        List<JsonNode> holders = new ArrayList<>(List.of(manifest));
        JsonNode targets = manifest.get("target");
        if (targets != null && targets.isObject()) {
            holders.addAll(targets.values());
        }
        Set<Path> buildDeps = new TreeSet<>();
        Set<Path> devDeps = new TreeSet<>();
        for (JsonNode holder : holders) {
            for (String table : BUILD_TABLES) {
                pathDependencies(holder.get(table), dir, workspaceRoot, workspaceManifest, buildDeps);
            }
            pathDependencies(holder.get(DEV_TABLE), dir, workspaceRoot, workspaceManifest, devDeps);
        }
        return new Crate(dir, name, buildDeps, devDeps);
    }

    private static void pathDependencies(JsonNode table, Path crateDir, Path workspaceRoot, JsonNode workspaceManifest,
                                         Set<Path> into) {
        if (table == null || !table.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> dep : table.properties()) {
            JsonNode spec = dep.getValue();
            Path resolved = null;
            if (Nodes.string(spec, "path").isPresent()) {
                resolved = RelPaths.resolveWithin(crateDir, Nodes.string(spec, "path").get());
            } else if (spec.isObject() && spec.path("workspace").asBoolean(false) && workspaceManifest != null) {
                resolved = Nodes.string(workspaceManifest, "workspace", "dependencies", dep.getKey(), "path")
                        .map(p -> RelPaths.resolveWithin(workspaceRoot, p))
                        .orElse(null);
            }
            if (resolved != null) {
                into.add(resolved);
            }
        }
    }

    private static List<StepSpec> steps(RepoTree tree, List<Workspace> workspaces) {
        Map<Crate, String> preferred = new LinkedHashMap<>();
        workspaces.forEach(w -> w.crates().forEach(c -> preferred.put(c, c.name())));
        Map<Crate, String> names = StepNames.unique(preferred,
                c -> RelPaths.label(tree.root(), c.dir()));
        List<StepSpec> steps = new ArrayList<>();
        for (Workspace w : workspaces) {
            Map<Path, Crate> byDir = new LinkedHashMap<>();
            w.crates().forEach(c -> byDir.put(c.dir(), c));
            for (Crate c : w.crates()) {
                String name = names.get(c);
                List<String> buildDeps = buildStepsOf(c.buildDeps(), c, byDir, names);
                List<String> inputs = inputs(w, c, byDir);
                // cargo writes every crate into the workspace's shared target/ directory, so no output glob
                // belongs to one crate: a cache hit could not restore this crate's artifacts, and the test
                // step (which rebuilds what it needs anyway) would find nothing. Always run it instead;
                // cargo's own incremental compilation makes an up-to-date build cheap.
                steps.add(StepSpec.builder(name + ":build", cargo("build", c.name()))
                        .cwd(RelPaths.str(w.root()))
                        .packageDir(RelPaths.str(c.dir()))
                        .dependsOn(buildDeps)
                        .inputs(inputs)
                        .cache(false)
                        .build());
                Set<String> testDeps = new TreeSet<>(buildStepsOf(c.devDeps(), c, byDir, names));
                testDeps.add(name + ":build");
                // A test's product is its verdict and log, so it caches with no outputs.
                steps.add(StepSpec.builder(name + ":test", cargo("test", c.name()))
                        .cwd(RelPaths.str(w.root()))
                        .packageDir(RelPaths.str(c.dir()))
                        .dependsOn(List.copyOf(testDeps))
                        .inputs(inputs)
                        .build());
            }
        }
        steps.sort(Comparator.comparing(StepSpec::name));
        return steps;
    }

    private static List<String> buildStepsOf(Set<Path> dirs, Crate self, Map<Path, Crate> byDir, Map<Crate, String> names) {
        Set<String> out = new TreeSet<>();
        for (Path d : dirs) {
            Crate dep = byDir.get(d);
            if (dep != null && dep != self) {
                out.add(names.get(dep) + ":build");
            }
        }
        return List.copyOf(out);
    }

    /** The crate's sources and those of every member it transitively depends on, plus the workspace files. */
    private static List<String> inputs(Workspace w, Crate c, Map<Path, Crate> byDir) {
        Set<Path> dirs = new TreeSet<>();
        List<Crate> todo = new ArrayList<>(List.of(c));
        while (!todo.isEmpty()) {
            Crate current = todo.remove(todo.size() - 1);
            if (!dirs.add(current.dir())) {
                continue;
            }
            Set<Path> next = new LinkedHashSet<>(current.buildDeps());
            if (current == c) {
                next.addAll(current.devDeps());
            }
            for (Path d : next) {
                Crate dep = byDir.get(d);
                if (dep != null) {
                    todo.add(dep);
                }
            }
        }
        Set<String> inputs = new LinkedHashSet<>();
        for (Path d : dirs) {
            inputs.add(RelPaths.under(w.root().relativize(d), "**"));
        }
        inputs.add(MANIFEST);
        inputs.add("Cargo.lock");
        inputs.add(RelPaths.not("target/**"));
        return List.copyOf(inputs);
    }

    private static Command cargo(String verb, String crate) {
        return new Command.Argv(List.of("cargo", verb, "-p", crate));
    }
}
