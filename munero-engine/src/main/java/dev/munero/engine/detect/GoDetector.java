package dev.munero.engine.detect;

import dev.munero.engine.config.Command;
import dev.munero.engine.config.StepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Detects Go modules: every go.mod the walk finds (so none under vendor/ or node_modules/).
 *
 * <p>Per module, run in its directory: {@code <name>:build} = {@code go build ./...} and
 * {@code <name>:test} = {@code go test ./...} after it, where the name is the last element of the module
 * path (skipping a {@code /vN} major-version suffix), or the directory name when go.mod has no module
 * line. {@code go build ./...} of packages stores nothing but Go's own build cache, so both steps cache
 * with no outputs. A module whose go.mod requires another module of the repository and
 * {@code replace}s it with that module's directory depends on its build and takes its sources as inputs.
 *
 * <p>Limitations: go.mod is read line by line (its grammar is line-based, see
 * https://go.dev/ref/mod#go-mod-file); go.work files are not read.
 *
 * <p>Stateless and thread-safe.
 */
final class GoDetector implements Detector {

    private static final String GO_MOD = "go.mod";
    private static final Pattern MAJOR_VERSION = Pattern.compile("v[0-9]+");

    /** What this detector reads from one go.mod. */
    private record Module(Path dir, Optional<String> path, Set<String> requires, Map<String, String> localReplaces) {
    }

    @Override
    public String id() {
        return "go";
    }

    @Override
    public Set<String> buildFileNames() {
        return Set.of(GO_MOD);
    }

    @Override
    public Detection scan(RepoTree tree) throws DetectionException {
        List<Module> modules = new ArrayList<>();
        for (Path file : tree.files(GO_MOD)) {
            modules.add(parse(RelPaths.parentOf(file), BuildFiles.read(tree, file)));
        }
        Map<Module, String> preferred = new LinkedHashMap<>();
        modules.forEach(m -> preferred.put(m, m.path().map(GoDetector::shortName).orElse(RelPaths.dirName(tree.root(), m.dir()))));
        Map<Module, String> names = StepNames.unique(preferred,
                m -> RelPaths.label(tree.root(), m.dir()));
        Map<Path, Module> byDir = new LinkedHashMap<>();
        modules.forEach(m -> byDir.put(m.dir(), m));

        List<StepSpec> steps = new ArrayList<>();
        for (Module m : modules) {
            String name = names.get(m);
            Set<String> deps = new TreeSet<>();
            Set<String> inputs = new LinkedHashSet<>(List.of("**/*.go", GO_MOD, "go.sum"));
            for (Map.Entry<String, String> r : m.localReplaces().entrySet()) {
                Path target = RelPaths.resolveWithin(m.dir(), r.getValue());
                Module dep = target == null ? null : byDir.get(target);
                if (dep != null && dep != m && m.requires().contains(r.getKey())) {
                    deps.add(names.get(dep) + ":build");
                    inputs.add(RelPaths.rooted(dep.dir(), "**/*.go"));
                    inputs.add(RelPaths.rooted(dep.dir(), GO_MOD));
                }
            }
            // ./... stops at nested modules, so their files are not this module's inputs.
            for (Module other : modules) {
                if (RelPaths.isStrictlyBelow(other.dir(), m.dir())) {
                    inputs.add(RelPaths.not(RelPaths.under(m.dir().relativize(other.dir()), "**")));
                }
            }
            steps.add(StepSpec.builder(name + ":build", go("build"))
                    .cwd(RelPaths.str(m.dir()))
                    .dependsOn(List.copyOf(deps))
                    .inputs(List.copyOf(inputs))
                    .build());
            inputs.add("**/testdata/**");
            steps.add(StepSpec.builder(name + ":test", go("test"))
                    .cwd(RelPaths.str(m.dir()))
                    .dependsOn(List.of(name + ":build"))
                    .inputs(List.copyOf(inputs))
                    .build());
        }
        steps.sort(Comparator.comparing(StepSpec::name));
        return new Detection(steps, List.of());
    }

    /** Reads the module, require and replace directives, single-line and in blocks. */
    static Module parse(Path dir, String goMod) {
        Optional<String> path = Optional.empty();
        Set<String> requires = new TreeSet<>();
        Map<String, String> replaces = new LinkedHashMap<>();
        String block = null;
        for (String raw : goMod.split("\\R")) {
            int comment = raw.indexOf("//");
            String line = (comment >= 0 ? raw.substring(0, comment) : raw).trim();
            if (line.isEmpty()) {
                continue;
            }
            if (block != null) {
                if (line.equals(")")) {
                    block = null;
                } else {
                    directive(block, line, requires, replaces);
                }
                continue;
            }
            String[] words = line.split("\\s+", 2);
            String verb = words[0];
            String rest = words.length > 1 ? words[1].trim() : "";
            if (rest.equals("(")) {
                block = verb;
            } else if (verb.equals("module")) {
                path = Optional.of(unquote(rest));
            } else {
                directive(verb, rest, requires, replaces);
            }
        }
        return new Module(dir, path, requires, replaces);
    }

    private static void directive(String verb, String body, Set<String> requires, Map<String, String> replaces) {
        if (verb.equals("require")) {
            requires.add(unquote(body.split("\\s+")[0]));
        } else if (verb.equals("replace")) {
            String[] sides = body.split("=>", 2);
            if (sides.length == 2) {
                String from = unquote(sides[0].trim().split("\\s+")[0]);
                String to = unquote(sides[1].trim().split("\\s+")[0]);
                if (to.startsWith("./") || to.startsWith("../")) {
                    replaces.put(from, to);
                }
            }
        }
    }

    private static String unquote(String s) {
        return s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("`") && s.endsWith("`"))
                ? s.substring(1, s.length() - 1)
                : s;
    }

    /** {@code example.com/tools/lint/v2} becomes {@code lint}. */
    static String shortName(String modulePath) {
        String[] parts = modulePath.split("/");
        int last = parts.length - 1;
        if (last > 0 && MAJOR_VERSION.matcher(parts[last]).matches()) {
            last--;
        }
        return parts[last];
    }

    private static Command go(String verb) {
        return new Command.Argv(List.of("go", verb, "./..."));
    }
}
