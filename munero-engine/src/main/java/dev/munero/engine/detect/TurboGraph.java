package dev.munero.engine.detect;

import dev.munero.engine.config.Command;
import dev.munero.engine.config.StepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a workspace's {@link TurboConfig} into steps: the task graph {@code turbo run <every task> --dry=json}
 * would build, with the tasks turbo marks {@code <NONEXISTENT>} left out.
 *
 * <p>Nodes: package {@code P} has task {@code t} when turbo.json defines {@code t} for it (see
 * {@link TurboConfig#task}); the workspace root has {@code t} only through a {@code //#t} entry. Edges from
 * {@code dependsOn}: {@code ^t} is {@code t} of each workspace package named in {@code P}'s dependencies,
 * devDependencies or optionalDependencies (turbo leaves peerDependencies out); {@code t} is {@code P}'s own
 * {@code t}; {@code pkg#t} is that package's {@code t}.
 *
 * <p>Steps: a node becomes a step {@code <package step name>:<t>} running the package's {@code t} script when
 * the package has that script and the task is not {@code persistent}. A node without the script (turbo's
 * {@code <NONEXISTENT>} task, which runs nothing) is looked through: its dependents depend on its
 * dependencies instead, so the order of the scripts that do run is turbo's. Persistent tasks (dev servers) are
 * not steps: a build must end, and turbo itself rejects a task that depends on one.
 *
 * <p>Errors, each a {@link DetectionException} naming the turbo.json, the task and what to do, as turbo
 * rejects them: a {@code dependsOn} naming a package the workspace does not have, a task with no definition
 * for the package ({@code Could not find "a#gen" in root turbo.json or "gen" in package}), a {@code //#t}
 * without a root entry, a dependency on a persistent task that has a script, and a cycle.
 *
 * <p>Cache key mapping: {@code inputs} (relative to the package; {@code $TURBO_DEFAULT$} is the package's
 * default files, {@code $TURBO_ROOT$/} anchors at the repository root, {@code !} excludes; the package's
 * package.json and turbo.json are always added, as turbo does) and the root's {@code globalDependencies} become
 * input globs; {@code outputs} become output globs (none when turbo.json declares none: turbo then caches only
 * logs); {@code env} and {@code globalEnv} names become {@link StepSpec#passEnv()}; {@code cache: false} turns
 * caching off. Variable patterns ({@code VITE_*}, {@code !SECRET}) cannot be a fixed list of names and are
 * left out of the cache key with a warning.
 *
 * <p>Stateless apart from its arguments; one instance serves one detection on one thread.
 */
final class TurboGraph {

    /** One package of the workspace, or the root package (named {@code //}). */
    record Member(String name, String stepPrefix, Path dir, Set<String> scripts, Set<String> dependencies) {
    }

    private record Node(Member member, String task) {
        String id() {
            return member.name() + "#" + task;
        }
    }

    private static final String DEFAULT_INPUTS = "$TURBO_DEFAULT$";
    private static final String ROOT_PREFIX = "$TURBO_ROOT$/";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final RepoTree tree;
    private final TurboConfig config;
    private final Member root;
    private final Map<String, Member> byName = new LinkedHashMap<>();
    private final Map<Node, TurboTask> definitions = new LinkedHashMap<>();
    private final Map<Node, List<Node>> edges = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private TurboGraph(RepoTree tree, TurboConfig config, Member root, List<Member> members) {
        this.tree = tree;
        this.config = config;
        this.root = root;
        members.forEach(m -> byName.putIfAbsent(m.name(), m));
    }

    /**
     * The steps of a turbo workspace.
     *
     * @param tree          the repository
     * @param config        its turbo.json files
     * @param root          the root package, named {@code //}
     * @param members       the workspace's packages, with turbo's names (package.json {@code name})
     * @param command       the command running a script in a package (e.g. {@code pnpm run <script>})
     * @param defaultInputs the inputs of a task that declares none, relative to its package ({@code !}
     *                      excludes, {@code /} anchors at the repository root)
     * @param warnings      receives what could not be mapped
     * @return the steps, sorted by name; every {@code dependsOn} names one of them
     * @throws DetectionException for the configuration errors listed in the class comment
     */
    static List<StepSpec> steps(RepoTree tree, TurboConfig config, Member root, List<Member> members,
                                Function<String, Command> command, List<String> defaultInputs, List<String> warnings)
            throws DetectionException {
        TurboGraph g = new TurboGraph(tree, config, root, members);
        g.define(members);
        g.link();
        g.checkAcyclic();
        List<StepSpec> steps = g.toSteps(members, command, defaultInputs);
        warnings.addAll(g.warnings);
        return steps;
    }

    private void define(List<Member> members) throws DetectionException {
        for (String pkg : config.packagesNamedInKeys()) {
            if (!TurboConfig.ROOT.equals(pkg) && !byName.containsKey(pkg)) {
                warnings.add(RelPaths.str(config.rootFile()) + ": tasks of '" + pkg
                        + "#...' are ignored: the workspace has no package named '" + pkg + "'");
            }
        }
        List<Member> all = new ArrayList<>(members);
        all.add(root);
        for (String task : config.taskNames()) {
            for (Member m : all) {
                Optional<TurboTask> def = config.task(m.name(), task);
                if (def.isPresent()) {
                    definitions.put(new Node(m, task), def.get());
                }
            }
        }
    }

    private void link() throws DetectionException {
        for (Map.Entry<Node, TurboTask> e : definitions.entrySet()) {
            Node from = e.getKey();
            TurboTask def = e.getValue();
            List<Node> to = new ArrayList<>();
            for (String dep : def.dependsOn()) {
                if (dep.startsWith("^")) {
                    String task = dep.substring(1);
                    for (String d : from.member().dependencies()) {
                        Member m = byName.get(d);
                        if (m != null && m != from.member() && definitions.containsKey(new Node(m, task))) {
                            to.add(new Node(m, task));
                        }
                    }
                } else {
                    to.add(target(from, def, dep));
                }
            }
            for (Node t : to) {
                TurboTask targetDef = definitions.get(t);
                if (targetDef.persistent() && hasScript(t)) {
                    throw BuildFiles.problemAt(tree, def.file(), def.key(), "task " + from.id() + " depends on "
                            + t.id() + ", which is persistent (a long-running process that never finishes); "
                            + "turbo refuses this too: remove '" + t.task() + "' from its dependsOn or drop "
                            + "\"persistent\": true from '" + targetDef.key() + "'");
                }
            }
            edges.put(from, to);
        }
    }

    /** The node a {@code task} or {@code pkg#task} entry of {@code from}'s dependsOn names. */
    private Node target(Node from, TurboTask def, String dep) throws DetectionException {
        int hash = dep.indexOf('#');
        String where = "task " + from.id() + " depends on '" + dep + "'";
        if (hash < 0) {
            Node n = new Node(from.member(), dep);
            if (!definitions.containsKey(n)) {
                throw BuildFiles.problemAt(tree, def.file(), def.key(), where + ", but turbo.json defines no task '"
                        + dep + "' for " + display(from.member()) + " (neither '" + from.member().name() + "#" + dep
                        + "' nor '" + dep + "'); add it to \"tasks\" or remove it from dependsOn");
            }
            return n;
        }
        String pkg = dep.substring(0, hash);
        String task = dep.substring(hash + 1);
        Member m = TurboConfig.ROOT.equals(pkg) ? root : byName.get(pkg);
        if (m == null) {
            throw BuildFiles.problemAt(tree, def.file(), def.key(), where + ", but the workspace has no package named '"
                    + pkg + "' (its packages: " + String.join(", ", new TreeSet<>(byName.keySet()))
                    + "); correct the package name");
        }
        Node n = new Node(m, task);
        if (!definitions.containsKey(n)) {
            String fix = m == root ? "add an entry \"//#" + task + "\" to " + RelPaths.str(config.rootFile())
                    : "add '" + task + "' or '" + dep + "' to \"tasks\"";
            throw BuildFiles.problemAt(tree, def.file(), def.key(), where + ", but turbo.json defines no task '"
                    + task + "' for " + display(m) + "; " + fix);
        }
        return n;
    }

    private static String display(Member m) {
        return TurboConfig.ROOT.equals(m.name()) ? "the workspace root (//)" : "package " + m.name();
    }

    private boolean hasScript(Node n) {
        return n.member().scripts().contains(n.task());
    }

    private void checkAcyclic() throws DetectionException {
        List<Node> cycle = TaskGraphs.findCycle(edges);
        if (!cycle.isEmpty()) {
            TurboTask def = definitions.get(cycle.get(0));
            throw BuildFiles.problemAt(tree, def.file(), def.key(), "the tasks' dependsOn form a cycle: "
                    + String.join(" -> ", cycle.stream().map(Node::id).toList()) + "; remove one of these dependencies");
        }
    }

    private List<StepSpec> toSteps(List<Member> members, Function<String, Command> command, List<String> defaultInputs) {
        List<String> rootExcludes = new ArrayList<>();
        for (Member m : members) {
            if (RelPaths.isStrictlyBelow(m.dir(), root.dir())) {
                rootExcludes.add(RelPaths.not(RelPaths.under(root.dir().relativize(m.dir()), "**")));
            }
        }
        Set<String> unmappedEnv = new LinkedHashSet<>();
        List<StepSpec> steps = new ArrayList<>();
        for (Map.Entry<Node, TurboTask> e : definitions.entrySet()) {
            Node n = e.getKey();
            TurboTask def = e.getValue();
            if (!hasScript(n) || def.persistent()) {
                continue;
            }
            List<String> defaults = new ArrayList<>(defaultInputs);
            if (n.member() == root) {
                defaults.addAll(rootExcludes);
            }
            List<String> passEnv = new ArrayList<>();
            for (String v : concat(config.globalEnv(), def.env())) {
                if (ENV_NAME.matcher(v).matches()) {
                    if (!passEnv.contains(v)) {
                        passEnv.add(v);
                    }
                } else {
                    unmappedEnv.add(v);
                }
            }
            steps.add(StepSpec.builder(n.member().stepPrefix() + ":" + n.task(), command.apply(n.task()))
                    .cwd(RelPaths.str(n.member().dir()))
                    .dependsOn(new ArrayList<>(realDependencies(n)))
                    .inputs(inputs(n, def, defaults))
                    .outputs(def.outputs().stream().map(this::anchored).toList())
                    .passEnv(passEnv)
                    .cache(def.cache())
                    .build());
        }
        if (!unmappedEnv.isEmpty()) {
            warnings.add(RelPaths.str(config.rootFile()) + ": environment variable patterns " + unmappedEnv
                    + " are not part of the cache key (Munero hashes named variables only); list the variables by name"
                    + " in \"env\" to have their values hashed");
        }
        steps.sort(java.util.Comparator.comparing(StepSpec::name));
        return steps;
    }

    /** The step names {@code n} waits for, looking through nodes that run nothing. */
    private Set<String> realDependencies(Node n) {
        Set<String> out = new TreeSet<>();
        TaskGraphs.runnableDependencies(n, edges, this::hasScript)
                .forEach(d -> out.add(d.member().stepPrefix() + ":" + d.task()));
        return out;
    }

    private List<String> inputs(Node n, TurboTask def, List<String> defaults) {
        List<String> out = new ArrayList<>();
        if (def.inputs().isEmpty()) {
            out.addAll(defaults);
        } else {
            for (String g : def.inputs().get()) {
                if (DEFAULT_INPUTS.equals(g)) {
                    out.addAll(defaults);
                } else {
                    out.add(anchored(g));
                }
            }
            // turbo hashes the package's package.json (its scripts) and turbo.json whatever inputs say
            out.add("package.json");
            if (n.member() != root && config.packageFile(n.member().name()).isPresent()) {
                out.add(TurboConfig.FILE);
            }
        }
        for (String g : config.globalDependencies()) {
            boolean negated = g.startsWith("!");
            String plain = negated ? g.substring(1) : g;
            String rooted = plain.startsWith(ROOT_PREFIX) ? anchored(plain) : RelPaths.rooted(root.dir(), plain);
            out.add(negated ? RelPaths.not(rooted) : rooted);
        }
        return out;
    }

    /** A turbo glob as a Munero glob: {@code $TURBO_ROOT$/x} is {@code x} in the workspace root. */
    private String anchored(String glob) {
        boolean negated = glob.startsWith("!");
        String g = negated ? glob.substring(1) : glob;
        if (g.startsWith(ROOT_PREFIX)) {
            g = RelPaths.rooted(root.dir(), g.substring(ROOT_PREFIX.length()));
        }
        return negated ? RelPaths.not(g) : g;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
