package dev.munero.engine.config;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Reads munero.yaml: parses the YAML (SnakeYAML Engine), validates it against
 * {@code munero.schema.json} (JSON Schema 2020-12, networknt validator), maps it to {@link StepSpec}s
 * and applies the chosen profile. Every problem is reported with {@code file:line:col} and the field.
 *
 * <p>The top-level {@code run} section holds the settings of {@code munero run}: the schema checks its keys and
 * their types, the build ignores it, and {@link #section} hands it to the build manager with positions.
 *
 * <p>Profile semantics: a profile's {@code steps.<name>} entry replaces the named fields of that step,
 * except {@code env}, which is merged (profile values win); a profile's {@code settings} replace the
 * named settings; {@code verify} entries at the top level apply to the {@code production} profile, and a
 * profile's own {@code verify} entries apply when it is active. The profiles {@code development}
 * (the default), {@code production} and {@code test} always exist; others must be declared.
 *
 * <p>Thread-safe: holds no state besides the compiled schema.
 */
public final class ConfigLoader {
    /** The file name looked for at a repository root. */
    public static final String FILE_NAME = "munero.yaml";
    /** The profile used when none is chosen. */
    public static final String DEFAULT_PROFILE = "development";
    /** Profiles that exist without being declared. */
    public static final Set<String> BUILT_IN_PROFILES = Set.of("development", "production", "test");

    /** Messages for schema patterns, by schema location, instead of "does not match the regex pattern ...". */
    private static final Map<String, String> PATTERN_MESSAGES = Map.of(
            "/$defs/step/properties/name/pattern", "a step name must not contain spaces or commas",
            "/$defs/skipCondition/properties/env/pattern", "write a variable name, or NAME=value (e.g. CI or CI=true)",
            "/$defs/agentProfile/properties/name/pattern", "an agent profile's name is letters, digits, '.', '_' and "
                    + "'-', starting with a letter or digit (e.g. coder-1)",
            "/$defs/agentProfile/properties/role/pattern", "a role is one lower-case word: planner, coder, tester, "
                    + "reviewer or your own (e.g. docs-writer)");
    private static volatile Schema schema;
    private static volatile JsonNode schemaTree;

    private ConfigLoader() {
    }

    /**
     * Loads {@code file} with {@code profile} applied.
     *
     * @param root    absolute repository root (cwd paths are relative to it)
     * @param file    the munero.yaml to read
     * @param profile the profile to apply; see the class doc
     * @throws ConfigException when the file is unreadable, not YAML, violates the schema, names an
     *                         unknown profile or step, or declares a step twice
     */
    public static Project load(Path root, Path file, String profile) throws ConfigException {
        return parse(root, file, read(file), profile);
    }

    /**
     * Like {@link #load} on {@code text} read from {@code file}.
     *
     * @throws ConfigException see {@link #load}
     */
    public static Project parse(Path root, Path file, String text, String profile) throws ConfigException {
        return new Mapper(root, validTree(file, text)).project(profile);
    }

    /**
     * The top-level mapping {@code name} of {@code file}, for sections the build itself does not read
     * ({@code run}, the settings of {@code munero run}): each key in file order with its value, as the schema
     * admitted it, and the position of the key. The whole file is parsed and checked against the schema first,
     * so an invalid file fails here as it does in {@link #load}; steps are not mapped, so problems only a build
     * finds (a step declared twice, a cwd outside the repository, a cycle) are left to the build.
     *
     * @param file the munero.yaml to read
     * @param name a top-level key of the schema whose value is a mapping, e.g. {@code run}
     * @param path keys of mappings nested in it, e.g. {@code workers} for {@code run: workers:}
     * @return the section's entries; empty when the file has no such section
     * @throws ConfigException when the file is unreadable, empty, not YAML or violates the schema
     */
    public static Map<String, ConfigValue> section(Path file, String name, String... path) throws ConfigException {
        YamlTree tree = validTree(file, read(file));
        String pointer = "/" + YamlTree.escape(name);
        JsonNode node = tree.root().path(name);
        for (String key : path) {
            pointer += "/" + YamlTree.escape(key);
            node = node.path(key);
        }
        Map<String, ConfigValue> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String child = pointer + "/" + YamlTree.escape(e.getKey());
            entries.put(e.getKey(), new ConfigValue(e.getValue(), tree.keyAt(child)));
        }
        return entries;
    }

    /**
     * The top-level list {@code name} of {@code file} whose elements are mappings, for sections the build does not
     * read ({@code agents}, the agent profiles of {@code munero run}): each element's keys in file order with their
     * values and the positions of the keys. The whole file is checked against the schema first, as in
     * {@link #section}.
     *
     * @param file the munero.yaml to read
     * @param name a top-level key of the schema whose value is a list of mappings, e.g. {@code agents}
     * @return one map per element, in file order; empty when the file has no such list
     * @throws ConfigException when the file is unreadable, empty, not YAML or violates the schema
     */
    public static List<Map<String, ConfigValue>> items(Path file, String name) throws ConfigException {
        YamlTree tree = validTree(file, read(file));
        String pointer = "/" + YamlTree.escape(name);
        List<Map<String, ConfigValue>> items = new ArrayList<>();
        JsonNode list = tree.root().path(name);
        for (int i = 0; i < list.size(); i++) {
            Map<String, ConfigValue> entries = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : list.get(i).properties()) {
                String child = pointer + "/" + i + "/" + YamlTree.escape(e.getKey());
                entries.put(e.getKey(), new ConfigValue(e.getValue(), tree.keyAt(child)));
            }
            items.add(entries);
        }
        return items;
    }

    private static String read(Path file) throws ConfigException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ConfigException(new ConfigProblem(new SourceLocation(file, 0, 0), "",
                    "not UTF-8 text (is it a binary file?); munero.yaml must be YAML in UTF-8 "
                            + "(run 'munero init --force' to write one from the detected build)"));
        } catch (IOException e) {
            throw new ConfigException(new ConfigProblem(new SourceLocation(file, 0, 0), "",
                    "cannot read the file: " + e.getMessage()));
        }
    }

    /** {@code text} parsed, not empty, and valid against the schema. */
    private static YamlTree validTree(Path file, String text) throws ConfigException {
        YamlTree tree = YamlTree.parse(file, text);
        JsonNode json = tree.root();
        if (json.isNull() || json.isMissingNode()) {
            throw new ConfigException(new ConfigProblem(new SourceLocation(file, 1, 1), "",
                    "the file is empty; declare at least 'steps:' (run 'munero init' to write one from the detected build)"));
        }
        validate(tree);
        return tree;
    }

    private static void validate(YamlTree tree) throws ConfigException {
        List<Error> errors = schema().validate(tree.root());
        if (errors.isEmpty()) {
            return;
        }
        // A failed oneOf comes with one error per branch ("string expected", "array expected", ...):
        // the oneOf is reported as one problem and its branches' errors are dropped.
        List<String> oneOfs = new ArrayList<>();
        for (Error e : errors) {
            if ("oneOf".equals(e.getKeyword())) {
                oneOfs.add(pointer(e.getInstanceLocation()));
            }
        }
        List<ConfigProblem> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Error e : errors) {
            String pointer = pointer(e.getInstanceLocation());
            String field = YamlTree.pointerToField(pointer);
            String property = e.getProperty();
            SourceLocation where;
            String message = stripLocationPrefix(e.getMessage());
            if (!"oneOf".equals(e.getKeyword()) && e.getEvaluationPath().contains("oneOf")
                    && oneOfs.stream().anyMatch(o -> pointer.equals(o) || pointer.startsWith(o + "/"))) {
                continue;
            }
            if ("oneOf".equals(e.getKeyword())) {
                String def = pointer(e.getSchemaLocation().getFragment());
                JsonNode value = tree.root().at(pointer);
                if (def.startsWith("/$defs/command/")) {
                    int bad = firstNonString(value);
                    if (bad >= 0) {
                        String item = pointer + "/" + bad;
                        where = tree.valueAt(item);
                        field = YamlTree.pointerToField(item);
                        message = "each element of a command list must be a string; quote it: \""
                                + value.get(bad).asString() + "\"";
                    } else {
                        where = tree.valueAt(pointer);
                        message = commandMessage(value);
                    }
                } else if (def.startsWith("/$defs/duration/")) {
                    where = tree.valueAt(pointer);
                    message = "'" + (value.isString() ? value.asString() : value.toString()) + "' is not a duration; "
                            + "write whole seconds (e.g. 90) or a number with a unit: 500ms, 30s, 10m, 2h, 7d, 2w";
                } else {
                    where = tree.valueAt(pointer);
                    List<String> branches = new ArrayList<>();
                    for (Error b : errors) {
                        if (b != e && b.getEvaluationPath().startsWith(e.getEvaluationPath())
                                && pointer(b.getInstanceLocation()).equals(pointer)) {
                            branches.add(stripLocationPrefix(b.getMessage()));
                        }
                    }
                    message = "matches none of the allowed forms: " + String.join("; or ", branches);
                }
            } else if ("additionalProperties".equals(e.getKeyword()) && property != null) {
                String child = pointer + "/" + property.replace("~", "~0").replace("/", "~1");
                where = tree.keyAt(child);
                field = YamlTree.pointerToField(child);
                message = "unknown field '" + property + "'" + allowedFields(e)
                        + "; see munero.yaml in README.md";
            } else if ("required".equals(e.getKeyword()) && property != null) {
                where = tree.valueAt(pointer);
                message = "missing required field '" + property + "'";
            } else if (PATTERN_MESSAGES.containsKey(pointer(e.getSchemaLocation().getFragment()))) {
                where = tree.valueAt(pointer);
                message = PATTERN_MESSAGES.get(pointer(e.getSchemaLocation().getFragment()));
            } else {
                where = tree.valueAt(pointer);
            }
            if (seen.add(where + "|" + field + "|" + message)) {
                problems.add(new ConfigProblem(where, field, message));
            }
        }
        problems.sort(Comparator.comparingInt((ConfigProblem p) -> p.location().line())
                .thenComparingInt(p -> p.location().column()));
        throw new ConfigException(problems);
    }

    private static int firstNonString(JsonNode value) {
        if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                if (!value.get(i).isString()) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String commandMessage(JsonNode value) {
        if (value.isArray()) {
            return "the command list is empty; give the program and its arguments, e.g. [javac, -d, out, Main.java]";
        }
        if (value.isString()) {
            return "the command is empty; give a list such as [javac, -d, out, Main.java], or a script with 'shell: true'";
        }
        return "the command must be a list of strings such as [javac, -d, out, Main.java], or one string with "
                + "'shell: true'; found " + (value.isNull() ? "no value"
                : value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + value);
    }

    /** {@code "; allowed: a, b"} from the {@code properties} of the schema object that rejected a field. */
    private static String allowedFields(Error e) {
        String at = pointer(e.getSchemaLocation().getFragment());
        JsonNode properties = schemaTree().at(at.substring(0, Math.max(0, at.lastIndexOf('/')))).path("properties");
        List<String> names = new ArrayList<>(properties.propertyNames());
        return names.isEmpty() ? "" : "; allowed: " + String.join(", ", names);
    }

    private static String stripLocationPrefix(String message) {
        // networknt messages start with the instance location, e.g. "/steps/0/retries: ..."
        int colon = message.indexOf(": ");
        if (colon > 0 && (message.startsWith("/") || message.startsWith("$"))) {
            return message.substring(colon + 2);
        }
        return message;
    }

    private static String pointer(com.networknt.schema.path.NodePath path) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object el = path.getElement(i);
            sb.append('/').append(String.valueOf(el).replace("~", "~0").replace("/", "~1"));
        }
        return sb.toString();
    }

    private static Schema schema() {
        Schema s = schema;
        if (s == null) {
            try (InputStream in = ConfigLoader.class.getResourceAsStream("munero.schema.json")) {
                if (in == null) {
                    throw new IllegalStateException("munero.schema.json is missing from the classpath");
                }
                s = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            schema = s;
        }
        return s;
    }

    private static JsonNode schemaTree() {
        JsonNode t = schemaTree;
        if (t == null) {
            t = tools.jackson.databind.json.JsonMapper.builder().build().readTree(schemaText());
            schemaTree = t;
        }
        return t;
    }

    /** The JSON Schema of munero.yaml, as shipped (for editors and {@code munero schema}). */
    public static String schemaText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("munero.schema.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Maps a schema-valid tree to records; collects semantic problems (duplicates, unknown names). */
    private static final class Mapper {
        private final Path root;
        private final YamlTree tree;
        private final List<ConfigProblem> problems = new ArrayList<>();

        Mapper(Path root, YamlTree tree) {
            this.root = root;
            this.tree = tree;
        }

        Project project(String profile) throws ConfigException {
            JsonNode json = tree.root();
            Map<String, StepSpec> steps = new LinkedHashMap<>();
            JsonNode stepsNode = json.path("steps");
            if (stepsNode.isArray() && stepsNode.isEmpty()) {
                problems.add(new ConfigProblem(tree.valueAt("/steps"), "steps",
                        "declares no steps, so there is nothing to build; add at least one step "
                                + "(run 'munero init --stdout' to see the detected ones)"));
            }
            for (int i = 0; i < stepsNode.size(); i++) {
                String ptr = "/steps/" + i;
                JsonNode s = stepsNode.get(i);
                String name = s.get("name").asString();
                StepSpec.Builder b = StepSpec.builder(name, new Command.Argv(List.of("true")))
                        .location(tree.valueAt(ptr));
                apply(b, s, ptr, null);
                if (steps.containsKey(name)) {
                    problems.add(new ConfigProblem(tree.valueAt(ptr + "/name"), "steps[" + i + "].name",
                            "step '" + name + "' is declared twice (first at "
                                    + steps.get(name).location().map(Object::toString).orElse("?") + "); rename one"));
                    continue;
                }
                steps.put(name, build(b, ptr));
            }

            BuildSettings settings = settings(json.path("settings"), BuildSettings.DEFAULTS);
            List<String> verify = new ArrayList<>();
            if ("production".equals(profile)) {
                verify.addAll(strings(json.path("verify")));
            }
            JsonNode profiles = json.path("profiles");
            if (!BUILT_IN_PROFILES.contains(profile) && !profiles.has(profile)) {
                Set<String> known = new TreeSet<>(BUILT_IN_PROFILES);
                profiles.propertyNames().forEach(known::add);
                // the name came from the command line, not from a line of the file (issue 9.9)
                String where = json.has("profiles") ? " (munero.yaml declares its own at " + tree.keyAt("/profiles") + ")" : "";
                problems.add(new ConfigProblem(new SourceLocation(tree.file(), 0, 0), "",
                        "unknown profile '" + profile + "' (from -p/--profile); known profiles: " + String.join(", ", known)
                                + where));
            }
            JsonNode p = profiles.path(profile);
            if (p.isObject()) {
                String pptr = "/profiles/" + profile;
                settings = settings(p.path("settings"), settings);
                verify.addAll(strings(p.path("verify")));
                JsonNode overrides = p.path("steps");
                for (String stepName : overrides.propertyNames()) {
                    String optr = pptr + "/steps/" + stepName.replace("~", "~0").replace("/", "~1");
                    StepSpec base = steps.get(stepName);
                    if (base == null) {
                        problems.add(new ConfigProblem(tree.keyAt(optr), YamlTree.pointerToField(optr),
                                "profile '" + profile + "' overrides unknown step '" + stepName + "'; steps: "
                                        + String.join(", ", steps.keySet())));
                        continue;
                    }
                    StepSpec.Builder b = base.toBuilder();
                    apply(b, overrides.get(stepName), optr, base);
                    steps.put(stepName, build(b, optr));
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return new Project(root, List.copyOf(steps.values()), settings, verify, profile, FILE_NAME);
        }

        private StepSpec build(StepSpec.Builder b, String ptr) {
            try {
                return b.build();
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(tree.valueAt(ptr), YamlTree.pointerToField(ptr), e.getMessage()));
                return b.command(new Command.Argv(List.of("true"))).timeout(null).build();
            }
        }

        /** Sets on {@code b} every field present in {@code s}; {@code base} is the step being overridden, if any. */
        private void apply(StepSpec.Builder b, JsonNode s, String ptr, StepSpec base) {
            JsonNode cmd = s.get("command");
            boolean shell = s.path("shell").asBoolean(base != null && base.command() instanceof Command.Shell);
            if (cmd != null) {
                if (cmd.isString()) {
                    if (!shell) {
                        problems.add(new ConfigProblem(tree.valueAt(ptr + "/command"),
                                YamlTree.pointerToField(ptr + "/command"),
                                "a command given as one string needs 'shell: true' to run in the shell; "
                                        + "or write it as a list, e.g. [javac, -d, out, Main.java]"));
                    } else if (cmd.asString().isBlank()) {
                        problems.add(new ConfigProblem(tree.valueAt(ptr + "/command"),
                                YamlTree.pointerToField(ptr + "/command"), "the shell script is blank"));
                    } else {
                        b.command(new Command.Shell(cmd.asString()));
                    }
                } else {
                    List<String> argv = strings(cmd);
                    if (argv.get(0).isBlank()) {
                        problems.add(new ConfigProblem(tree.valueAt(ptr + "/command/0"),
                                YamlTree.pointerToField(ptr + "/command/0"),
                                "the program (the command's first element) is empty"));
                    } else if (shell) {
                        b.command(new Command.Shell(String.join(" ", argv)));
                    } else {
                        b.command(new Command.Argv(argv));
                    }
                }
            } else if (s.has("shell") && base != null) {
                Command c = base.command();
                b.command(shell ? new Command.Shell(c.display()) : c);
            }
            if (s.has("cwd")) {
                String cwd = s.get("cwd").asString();
                Path resolved = root.resolve(cwd).normalize();
                if (!resolved.startsWith(root)) {
                    problems.add(new ConfigProblem(tree.valueAt(ptr + "/cwd"), YamlTree.pointerToField(ptr + "/cwd"),
                            "cwd '" + cwd + "' is outside the repository"));
                } else {
                    b.cwd(cwd);
                }
            }
            if (s.has("env")) {
                Map<String, String> env = new LinkedHashMap<>(base == null ? Map.of() : base.env());
                for (Map.Entry<String, JsonNode> e : s.get("env").properties()) {
                    // as written: 007, 1e3 or True are not rewritten to 7, 1E+3 or true
                    String written = tree.scalarText(ptr + "/env/" + e.getKey().replace("~", "~0").replace("/", "~1"));
                    env.put(e.getKey(), written != null ? written : e.getValue().asString());
                }
                b.env(env);
            }
            if (s.has("passEnv")) {
                b.passEnv(strings(s.get("passEnv")));
            }
            if (s.has("dependsOn")) {
                b.dependsOn(strings(s.get("dependsOn")));
            }
            if (s.has("inputs")) {
                b.inputs(strings(s.get("inputs")));
            }
            if (s.has("outputs")) {
                b.outputs(strings(s.get("outputs")));
            }
            if (s.has("skipIf")) {
                List<SkipCondition> conditions = new ArrayList<>();
                for (JsonNode c : s.get("skipIf")) {
                    conditions.add(skipCondition(c));
                }
                b.skipIf(conditions);
            }
            if (s.has("retries") || s.has("retryBackoff")) {
                RetryPolicy old = base == null ? RetryPolicy.NONE : base.retry();
                int retries = s.has("retries") ? s.get("retries").asInt() : old.retries();
                Duration backoff = s.has("retryBackoff") ? duration(s, ptr, "retryBackoff") : old.initialBackoff();
                b.retry(new RetryPolicy(retries, backoff == null ? old.initialBackoff() : backoff));
            }
            if (s.has("timeout")) {
                Duration timeout = duration(s, ptr, "timeout");
                if (timeout != null && timeout.isZero()) {
                    problems.add(new ConfigProblem(tree.valueAt(ptr + "/timeout"), YamlTree.pointerToField(ptr + "/timeout"),
                            "a timeout must be positive; leave 'timeout' out for none"));
                } else if (timeout != null) {
                    b.timeout(timeout);
                }
            }
            if (s.has("parallel")) {
                b.parallel(s.get("parallel").asBoolean());
            }
            if (s.has("cache")) {
                b.cache(s.get("cache").asBoolean());
            }
        }

        private static SkipCondition skipCondition(JsonNode c) {
            String key = c.propertyNames().iterator().next();
            String v = c.get(key).asString();
            return switch (key) {
                case "profile" -> new SkipCondition.Profile(v);
                case "os" -> new SkipCondition.Os(v);
                case "env" -> {
                    int eq = v.indexOf('=');
                    yield eq < 0 ? new SkipCondition.Env(v, null) : new SkipCondition.Env(v.substring(0, eq), v.substring(eq + 1));
                }
                case "exists" -> new SkipCondition.FileExists(v);
                case "missing" -> new SkipCondition.FileMissing(v);
                default -> throw new IllegalStateException("schema admitted skipIf key " + key);
            };
        }

        /** The duration in {@code s.field}, or null after recording a problem (e.g. too large). */
        private Duration duration(JsonNode s, String ptr, String field) {
            JsonNode n = s.get(field);
            try {
                if (n.isNumber()) {
                    if (!n.canConvertToLong()) {
                        throw new IllegalArgumentException("'" + n + "' seconds is too long a duration");
                    }
                    return Duration.ofSeconds(n.asLong());
                }
                return Durations.parse(n.asString());
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(tree.valueAt(ptr + "/" + field), YamlTree.pointerToField(ptr + "/" + field),
                        e.getMessage()));
                return null;
            }
        }

        private static BuildSettings settings(JsonNode s, BuildSettings base) {
            if (!s.isObject()) {
                return base;
            }
            return new BuildSettings(
                    s.has("jobs") ? Optional.of(s.get("jobs").asInt()) : base.jobs(),
                    s.has("keepGoing") ? Optional.of(s.get("keepGoing").asBoolean()) : base.keepGoing(),
                    s.has("cacheDir") ? Optional.of(s.get("cacheDir").asString()) : base.cacheDir());
        }

        private static List<String> strings(JsonNode arr) {
            List<String> out = new ArrayList<>();
            for (JsonNode n : arr) {
                out.add(n.asString());
            }
            return out;
        }
    }
}
