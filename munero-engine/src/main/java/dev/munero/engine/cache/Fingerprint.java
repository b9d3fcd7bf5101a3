package dev.munero.engine.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a step's result depends on, hashed into its cache key: the step name, the command's argv,
 * the cwd, each declared environment variable with the SHA-256 of its value (values themselves are
 * never stored), each input file's repository-relative path with the SHA-256 of its content, each
 * dependency's cache key, and the output globs.
 *
 * <p>The key is the SHA-256 of a canonical encoding of those parts (each part length-prefixed, maps in
 * key order), prefixed with a format version so that a Munero upgrade that changes the encoding
 * never reuses old entries.
 *
 * @param step         step name
 * @param argv         the argv started (for shell steps: the shell and its script)
 * @param cwd          repository-relative working directory
 * @param env          variable name to SHA-256 of its value, or {@code "unset"}
 * @param inputs       repository-relative file path to SHA-256 of its content
 * @param dependencies dependency step name to its cache key
 * @param outputs      output globs as declared
 */
public record Fingerprint(String step, List<String> argv, String cwd, SortedMap<String, String> env,
                          SortedMap<String, String> inputs, SortedMap<String, String> dependencies,
                          List<String> outputs) {
    /** Bumped whenever the encoding or the meaning of a part changes. */
    static final String FORMAT = "munero-fingerprint-v1";
    /** The value recorded for a declared variable that is not set. */
    public static final String UNSET = "unset";

    public Fingerprint {
        Objects.requireNonNull(step, "step");
        argv = List.copyOf(argv);
        env = naturalOrder(env);
        inputs = naturalOrder(inputs);
        dependencies = naturalOrder(dependencies);
        outputs = List.copyOf(outputs);
    }

    /** A copy in natural key order: new TreeMap(sortedMap) would keep the argument's comparator, and the key its order. */
    private static SortedMap<String, String> naturalOrder(Map<String, String> map) {
        TreeMap<String, String> copy = new TreeMap<>();
        copy.putAll(map);
        return java.util.Collections.unmodifiableSortedMap(copy);
    }

    /** The cache key: 64 lower-case hex characters. */
    public String key() {
        MessageDigest md = Hashing.sha256();
        put(md, FORMAT);
        put(md, "step");
        put(md, step);
        put(md, "argv");
        put(md, Integer.toString(argv.size()));
        argv.forEach(a -> put(md, a));
        put(md, "cwd");
        put(md, cwd);
        putMap(md, "env", env);
        putMap(md, "inputs", inputs);
        putMap(md, "dependencies", dependencies);
        put(md, "outputs");
        put(md, Integer.toString(outputs.size()));
        outputs.forEach(o -> put(md, o));
        return Hashing.hex(md.digest());
    }

    private static void putMap(MessageDigest md, String tag, Map<String, String> map) {
        put(md, tag);
        put(md, Integer.toString(map.size()));
        map.forEach((k, v) -> {
            put(md, k);
            put(md, v);
        });
    }

    private static void put(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        md.update((byte) ':');
        md.update(b);
    }

    /**
     * Why this fingerprint differs from {@code previous}, one reason per difference, in the order:
     * command, cwd, env, inputs, dependencies, outputs. Empty when they are equal.
     */
    public List<String> differencesFrom(Fingerprint previous) {
        List<String> reasons = new ArrayList<>();
        if (!argv.equals(previous.argv)) {
            reasons.add("command changed: was '" + String.join(" ", previous.argv) + "'");
        }
        if (!cwd.equals(previous.cwd)) {
            reasons.add("cwd changed: was '" + previous.cwd + "'");
        }
        diff(reasons, "env var", previous.env, env);
        diff(reasons, "input", previous.inputs, inputs);
        for (Map.Entry<String, String> d : dependencies.entrySet()) {
            String old = previous.dependencies.get(d.getKey());
            if (old == null) {
                reasons.add("dependency " + d.getKey() + " added");
            } else if (!old.equals(d.getValue())) {
                reasons.add("dependency " + d.getKey() + " changed (its cache key is new)");
            }
        }
        for (String old : previous.dependencies.keySet()) {
            if (!dependencies.containsKey(old)) {
                reasons.add("dependency " + old + " removed");
            }
        }
        if (!outputs.equals(previous.outputs)) {
            reasons.add("outputs changed: were " + previous.outputs);
        }
        return reasons;
    }

    private static void diff(List<String> reasons, String what, Map<String, String> before, Map<String, String> now) {
        for (Map.Entry<String, String> e : now.entrySet()) {
            String old = before.get(e.getKey());
            if (old == null) {
                reasons.add(what + " " + e.getKey() + " added");
            } else if (!old.equals(e.getValue())) {
                reasons.add(what + " " + e.getKey() + " changed");
            }
        }
        for (String k : before.keySet()) {
            if (!now.containsKey(k)) {
                reasons.add(what + " " + k + " removed");
            }
        }
    }
}
