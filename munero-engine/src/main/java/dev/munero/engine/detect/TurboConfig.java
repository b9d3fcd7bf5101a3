package dev.munero.engine.detect;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The turbo.json files of one workspace: the root's and those of its packages (Turborepo 2.x package
 * configurations, {@code "extends": ["//"]}), read so that {@link #task} gives the definition turbo would use
 * for a package's task.
 *
 * <p>Read: {@code tasks} (or 1.x's {@code pipeline}) with keys {@code task}, {@code pkg#task} and
 * {@code //#task}; per task {@code dependsOn}, {@code inputs}, {@code outputs}, {@code env}, {@code cache},
 * {@code persistent}; 1.x's {@code $VAR} entries in {@code dependsOn} count as {@code env}. At the top level
 * {@code globalDependencies} and {@code globalEnv}. Everything else ({@code passThroughEnv}, {@code outputLogs},
 * {@code interactive}, {@code with}, {@code ui}, remote cache settings) does not change the task graph or the
 * cache key and is ignored. The files may contain comments and trailing commas, as turbo accepts.
 *
 * <p>Resolution, as turbo 2.11 does (checked with {@code turbo run --dry=json}): a package's task takes the
 * root's {@code pkg#task} when there is one, else the root's {@code task}; the package's own turbo.json then
 * replaces the fields it names (an array containing {@code $TURBO_EXTENDS$} appends to the inherited one).
 * The root package's task is the root's {@code //#task} alone.
 *
 * <p>Immutable after {@link #read} and thread-safe.
 *
 * @see <a href="https://turborepo.com/docs/reference/configuration">Turborepo configuration reference</a>
 * @see <a href="https://turborepo.com/docs/reference/package-configurations">Package configurations</a>
 */
final class TurboConfig {

    static final String FILE = "turbo.json";
    static final String ROOT = "//";
    private static final String EXTENDS_MARKER = "$TURBO_EXTENDS$";

    private final Path rootFile;
    private final Map<String, ObjectNode> rootTasks;
    private final Map<String, PackageFile> packageFiles;
    private final List<String> globalDependencies;
    private final List<String> globalEnv;

    /** A package's own turbo.json and its task overrides. */
    private record PackageFile(Path file, Map<String, ObjectNode> tasks) {
    }

    private TurboConfig(Path rootFile, Map<String, ObjectNode> rootTasks, Map<String, PackageFile> packageFiles,
                        List<String> globalDependencies, List<String> globalEnv) {
        this.rootFile = rootFile;
        this.rootTasks = rootTasks;
        this.packageFiles = packageFiles;
        this.globalDependencies = globalDependencies;
        this.globalEnv = globalEnv;
    }

    /**
     * Reads the root's turbo.json and the turbo.json of each package directory that has one.
     *
     * @param tree     the repository
     * @param rootDir  the workspace root, relative to the repository root; it has a turbo.json
     * @param packages each member package's name and directory (relative to the repository root)
     * @throws DetectionException when a file is not valid JSON (with comments), its {@code tasks} is not an
     *                            object of objects, a field has the wrong type, or a package's turbo.json does
     *                            not extend the root's or names a {@code pkg#task} (the message names the file
     *                            and the task)
     */
    static TurboConfig read(RepoTree tree, Path rootDir, Map<String, Path> packages) throws DetectionException {
        Path rootFile = rootDir.resolve(FILE);
        JsonNode root = object(tree, rootFile);
        Map<String, ObjectNode> rootTasks = tasks(rootFile, root);
        Map<String, PackageFile> packageFiles = new LinkedHashMap<>();
        for (Map.Entry<String, Path> p : packages.entrySet()) {
            Path file = p.getValue().resolve(FILE);
            if (p.getValue().equals(rootDir) || !tree.isFile(file)) {
                continue;
            }
            JsonNode json = object(tree, file);
            List<String> extendsList = stringList(file, "extends", json.get("extends"));
            if (!extendsList.contains(ROOT)) {
                throw BuildFiles.problem(file, "a package's turbo.json must say \"extends\": [\"//\"] (found "
                        + (json.has("extends") ? json.get("extends") : "no \"extends\"") + ")");
            }
            Map<String, ObjectNode> tasks = tasks(file, json);
            for (String key : tasks.keySet()) {
                if (key.contains("#")) {
                    throw BuildFiles.problemAt(tree, file, key, "task '" + key
                            + "': a package's turbo.json names its own tasks without 'package#'; use '"
                            + key.substring(key.indexOf('#') + 1) + "'");
                }
            }
            packageFiles.put(p.getKey(), new PackageFile(file, tasks));
        }
        return new TurboConfig(rootFile, rootTasks, packageFiles,
                stringList(rootFile, "globalDependencies", root.get("globalDependencies")),
                stringList(rootFile, "globalEnv", root.get("globalEnv")));
    }

    /** The root turbo.json, relative to the repository root. */
    Path rootFile() {
        return rootFile;
    }

    /** Root-relative globs whose files are inputs of every task. */
    List<String> globalDependencies() {
        return globalDependencies;
    }

    /** Variables whose values are part of every task's hash. */
    List<String> globalEnv() {
        return globalEnv;
    }

    /** Whether this package has its own turbo.json. */
    Optional<Path> packageFile(String pkg) {
        return Optional.ofNullable(packageFiles.get(pkg)).map(PackageFile::file);
    }

    /** Every task name any file defines, without package prefixes, in declaration order. */
    Set<String> taskNames() {
        Set<String> names = new LinkedHashSet<>();
        rootTasks.keySet().forEach(k -> names.add(k.contains("#") ? k.substring(k.indexOf('#') + 1) : k));
        packageFiles.values().forEach(f -> names.addAll(f.tasks().keySet()));
        return names;
    }

    /** Every package name a root task key names ({@code web} of {@code web#build}), {@code //} included. */
    Set<String> packagesNamedInKeys() {
        Set<String> names = new LinkedHashSet<>();
        rootTasks.keySet().stream().filter(k -> k.contains("#")).forEach(k -> names.add(k.substring(0, k.indexOf('#'))));
        return names;
    }

    /**
     * The definition turbo uses for {@code task} in package {@code pkg} ({@code //} for the root package),
     * empty when there is none.
     *
     * @throws DetectionException when a field has the wrong type (the message names the file and the task)
     */
    Optional<TurboTask> task(String pkg, String task) throws DetectionException {
        if (ROOT.equals(pkg)) {
            ObjectNode def = rootTasks.get(ROOT + "#" + task);
            return def == null ? Optional.empty() : Optional.of(toTask(ROOT + "#" + task, rootFile, def));
        }
        String key = pkg + "#" + task;
        ObjectNode base = rootTasks.containsKey(key) ? rootTasks.get(key) : rootTasks.get(task);
        String baseKey = rootTasks.containsKey(key) ? key : task;
        PackageFile own = packageFiles.get(pkg);
        ObjectNode overlay = own == null ? null : own.tasks().get(task);
        if (overlay == null) {
            return base == null ? Optional.empty() : Optional.of(toTask(baseKey, rootFile, base));
        }
        ObjectNode merged = base == null ? overlay.objectNode() : base.deepCopy();
        for (Map.Entry<String, JsonNode> field : overlay.properties()) {
            JsonNode value = field.getValue();
            JsonNode inherited = merged.get(field.getKey());
            if (value.isArray() && Nodes.strings(value).contains(EXTENDS_MARKER)) {
                var joined = merged.arrayNode();
                if (inherited != null && inherited.isArray()) {
                    inherited.values().forEach(joined::add);
                }
                value.values().forEach(v -> {
                    if (!(v.isString() && EXTENDS_MARKER.equals(v.stringValue()))) {
                        joined.add(v);
                    }
                });
                merged.set(field.getKey(), joined);
            } else {
                merged.set(field.getKey(), value);
            }
        }
        return Optional.of(toTask(task, own.file(), merged));
    }

    private static TurboTask toTask(String key, Path file, ObjectNode def) throws DetectionException {
        List<String> dependsOn = new ArrayList<>();
        List<String> env = new ArrayList<>();
        for (String d : stringList(file, key + ".dependsOn", def.get("dependsOn"))) {
            (d.startsWith("$") ? env : dependsOn).add(d.startsWith("$") ? d.substring(1) : d);
        }
        env.addAll(stringList(file, key + ".env", def.get("env")));
        Optional<List<String>> inputs = def.has("inputs")
                ? Optional.of(stringList(file, key + ".inputs", def.get("inputs"))) : Optional.empty();
        return new TurboTask(key, file, dependsOn, inputs, stringList(file, key + ".outputs", def.get("outputs")),
                env, bool(file, key, "cache", def, true), bool(file, key, "persistent", def, false));
    }

    private static JsonNode object(RepoTree tree, Path file) throws DetectionException {
        JsonNode json = BuildFiles.jsonWithComments(tree, file);
        if (json == null || !json.isObject()) {
            throw BuildFiles.problem(file, "is not a JSON object");
        }
        return json;
    }

    private static Map<String, ObjectNode> tasks(Path file, JsonNode json) throws DetectionException {
        JsonNode tasks = json.has("tasks") ? json.get("tasks") : json.get("pipeline");
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        if (tasks == null || tasks.isNull()) {
            return out;
        }
        if (!tasks.isObject()) {
            throw BuildFiles.problem(file, "'tasks' must be an object of task definitions");
        }
        for (Map.Entry<String, JsonNode> e : tasks.properties()) {
            if (!(e.getValue() instanceof ObjectNode def)) {
                throw BuildFiles.problem(file, "task '" + e.getKey() + "' must be an object, e.g. {\"dependsOn\": [\"^"
                        + e.getKey() + "\"]}");
            }
            out.put(e.getKey(), def);
        }
        return out;
    }

    private static List<String> stringList(Path file, String what, JsonNode node) throws DetectionException {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.values().stream().anyMatch(v -> !v.isString())) {
            throw BuildFiles.problem(file, "'" + what + "' must be an array of strings, was " + node);
        }
        return Nodes.strings(node);
    }

    private static boolean bool(Path file, String key, String field, ObjectNode def, boolean dflt)
            throws DetectionException {
        JsonNode v = def.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw BuildFiles.problem(file, "'" + key + "." + field + "' must be true or false, was " + v);
        }
        return v.booleanValue();
    }
}
