package dev.munero.engine.graph;

import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigProblem;
import dev.munero.engine.config.SourceLocation;
import dev.munero.engine.config.StepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The steps a build asks for, from the names a user typed and the package directory they stand in, as
 * {@code turbo run}, {@code nx} and Maven pick them.
 *
 * <p>A step's <em>task</em> is the part of its name after the first {@code :} ({@code web:build} has the task
 * {@code build}, turbo's {@code web:build:types} the task {@code build:types}, since package names hold no
 * {@code :}; a step without {@code :} is its own task); detected steps are named {@code <package>:<task>}.
 * A requested name that is a step's exact name selects that step, wherever the user stands. Otherwise it is a
 * task name and selects that task in every package of the scope ({@code munero build test} is {@code turbo run
 * test}). With no name, the default tasks are selected in the scope ({@code build} for a detected graph, so that
 * {@code munero build} is {@code turbo run build} or {@code mvn install -DskipTests}); with no default tasks (a
 * {@code munero.yaml}) every step of the scope is; when no step of the scope has a default task, nothing is guessed
 * (a detected package's other tasks may be {@code clean} or a dev server) and the user is asked to name one. The scope is the package the
 * user stands in (see {@link #packageAt}), or the whole graph at the root. Dependencies are not part of the
 * selection: {@link BuildGraph#select} adds them, in any package.
 *
 * @param targets     exact step names selected, in graph order, never empty
 * @param description the selection in the user's words, for messages: {@code build}, {@code test in packages/b},
 *                    {@code web:page}, {@code every step}
 * @param scope       the package directory the selection was made in, relative to the root; {@code "."} for the
 *                    whole graph
 */
public record TargetSelection(List<String> targets, String description, String scope) {
    /** The task {@code munero build} selects on a detected graph when no target is named. */
    public static final String BUILD_TASK = "build";

    public TargetSelection {
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a selection needs at least one target");
        }
    }

    /**
     * Resolves {@code requested} in the package at {@code scope}.
     *
     * @param graph        the whole task graph
     * @param requested    names the user typed: step names or task names; empty for the default tasks
     * @param packageDir   a package directory relative to the root as {@link #packageAt} returns it, {@code "."}
     *                     for the whole graph
     * @param defaultTasks tasks selected when {@code requested} is empty; empty for every step
     * @throws ConfigException naming each name that is neither a step nor a task of the scope, with a suggestion
     *                         or the steps the scope has; or, with no name and default tasks, when the scope has
     *                         no step of a default task
     */
    public static TargetSelection resolve(BuildGraph graph, List<String> requested, String packageDir,
                                          List<String> defaultTasks) throws ConfigException {
        String scope = packageDir;
        List<StepSpec> inScope = graph.steps().stream().filter(s -> isAtOrBelow(s.packageDirectory(), packageDir)).toList();
        if (inScope.isEmpty()) {
            inScope = graph.steps(); // no step lives here: the scope is the whole graph
            scope = ".";
        }
        String where = ".".equals(scope) ? "" : " in " + scope;
        if (requested.isEmpty()) {
            List<String> picked = inScope.stream().filter(s -> defaultTasks.contains(task(s.name()))).map(StepSpec::name).toList();
            if (defaultTasks.isEmpty()) {
                return new TargetSelection(inScope.stream().map(StepSpec::name).toList(), "every step" + where, scope);
            }
            if (picked.isEmpty()) {
                // never guess: a detected package's other tasks may be 'clean' or a dev server
                List<String> here = inScope.stream().map(StepSpec::name).toList();
                throw new ConfigException(List.of(new ConfigProblem(new SourceLocation(Path.of("command line"), 0, 0),
                        "target", ("." .equals(scope) ? "the workspace" : scope) + " has no '"
                        + String.join("' or '", defaultTasks) + "' step to build by default (its steps: "
                        + String.join(", ", here) + "); name the ones to run, e.g. munero build " + here.get(0))));
            }
            return new TargetSelection(picked, String.join(" ", defaultTasks) + where, scope);
        }
        Set<String> picked = new LinkedHashSet<>();
        List<ConfigProblem> problems = new ArrayList<>();
        boolean byTask = false;
        for (String name : new LinkedHashSet<>(requested)) {
            if (graph.indexOf(name) >= 0) {
                picked.add(name);
                continue;
            }
            List<String> matches = inScope.stream().filter(s -> task(s.name()).equals(name)).map(StepSpec::name).toList();
            if (!matches.isEmpty()) {
                picked.addAll(matches);
                byTask = true;
            } else {
                problems.add(new ConfigProblem(new SourceLocation(Path.of("command line"), 0, 0), "target",
                        unknown(graph, inScope, name, scope)));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        List<String> ordered = graph.steps().stream().map(StepSpec::name).filter(picked::contains).toList();
        return new TargetSelection(ordered, String.join(" ", new LinkedHashSet<>(requested)) + (byTask ? where : ""),
                byTask ? scope : ".");
    }

    /**
     * The package directory (relative to the root, {@code /}-separated) the directory {@code relDir} is in: the
     * deepest {@link StepSpec#packageDirectory()} of a step at or above it, or {@code "."} when none is.
     *
     * @param relDir a directory relative to the root, {@code "."} for the root
     */
    public static String packageAt(BuildGraph graph, String relDir) {
        String best = ".";
        for (StepSpec s : graph.steps()) {
            String dir = s.packageDirectory();
            if (!".".equals(dir) && isAtOrBelow(relDir, dir) && dir.length() > best.length()) {
                best = dir;
            }
        }
        return best;
    }

    /** The task of a step: its name after the first {@code :}, or the whole name. */
    public static String task(String stepName) {
        return stepName.substring(stepName.indexOf(':') + 1);
    }

    private static String unknown(BuildGraph graph, List<StepSpec> inScope, String name, String scope) {
        Set<String> known = new LinkedHashSet<>();
        graph.steps().forEach(s -> {
            known.add(s.name());
            known.add(task(s.name()));
        });
        boolean elsewhere = graph.steps().stream().anyMatch(s -> task(s.name()).equals(name));
        if (elsewhere) { // a task of other packages, not of this one
            List<String> here = inScope.stream().map(StepSpec::name).toList();
            return scope + " has no '" + name + "' step (its steps: " + String.join(", ", here)
                    + "); run from the workspace root to build every package's '" + name + "', or name a step";
        }
        return "unknown step or task '" + name + "'" + Names.suggest(name, known) + "; 'munero graph' lists the steps";
    }

    private static boolean isAtOrBelow(String dir, String ancestor) {
        return ".".equals(ancestor) || dir.equals(ancestor) || dir.startsWith(ancestor + "/");
    }
}
