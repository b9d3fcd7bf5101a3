package dev.munero.agent.safety;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What the sandbox binds back into the hidden home directory: the build caches a build needs offline, read-only
 * unless {@code cachesWritable}. Set in the user config:
 * <pre>
 * [sandbox]
 * mode = "auto"                                   # auto | on | off
 * caches = ["~/.m2/repository", "~/.npm"]         # replaces the default list
 * caches_writable = false                         # true: a build may add to them
 * </pre>
 *
 * @param caches         paths, {@code ~/...} relative to the command's {@code HOME} or absolute; missing ones are
 *                       skipped
 * @param cachesWritable whether the caches are bound read-write
 */
public record SandboxSettings(List<String> caches, boolean cachesWritable) {
    /** The caches bound back by default: Maven's repository, npm's cache, Cargo's registry and Gradle's caches. */
    public static final List<String> DEFAULT_CACHES = List.of("~/.m2/repository", "~/.npm", "~/.cargo/registry",
            "~/.gradle/caches");
    /** {@link #DEFAULT_CACHES}, read-only. */
    public static final SandboxSettings DEFAULTS = new SandboxSettings(DEFAULT_CACHES, false);

    public SandboxSettings {
        caches = List.copyOf(caches);
    }

    /**
     * The {@code [sandbox]} table of a parsed user config file.
     *
     * @param config the whole file's tree (e.g. {@code UserConfig.tree()})
     * @param where  the file, for messages
     * @throws IllegalArgumentException when {@code caches} is not a list of strings or {@code caches_writable} not a
     *                                  boolean; the message names the file and the key
     */
    public static SandboxSettings fromConfig(JsonNode config, String where) {
        JsonNode table = config == null ? null : config.get("sandbox");
        if (table == null || table.isNull()) {
            return DEFAULTS;
        }
        List<String> caches = DEFAULT_CACHES;
        JsonNode list = table.get("caches");
        if (list != null) {
            if (!list.isArray()) {
                throw new IllegalArgumentException(where + ": [sandbox] caches must be a list of paths, e.g. "
                        + "[\"~/.m2/repository\"]");
            }
            caches = new java.util.ArrayList<>();
            for (JsonNode item : list) {
                if (!item.isString() || item.asString().isBlank()) {
                    throw new IllegalArgumentException(where + ": [sandbox] caches must be a list of paths, not "
                            + item);
                }
                caches.add(item.asString());
            }
        }
        JsonNode writable = table.get("caches_writable");
        if (writable != null && !writable.isBoolean()) {
            throw new IllegalArgumentException(where + ": [sandbox] caches_writable must be true or false");
        }
        return new SandboxSettings(caches, writable != null && writable.asBoolean());
    }

    /**
     * The {@code [sandbox] mode} of a parsed user config file, if set.
     *
     * @throws IllegalArgumentException when it is not auto, on or off; the message names the file
     */
    public static java.util.Optional<SandboxMode> modeFromConfig(JsonNode config, String where) {
        JsonNode table = config == null ? null : config.get("sandbox");
        JsonNode mode = table == null ? null : table.get("mode");
        if (mode == null || mode.isNull()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(SandboxMode.parse(mode.asString()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": [sandbox] mode: " + e.getMessage(), e);
        }
    }

    /** The absolute path of {@code cache} for a command whose environment is {@code env}; null without a home. */
    static java.nio.file.Path resolve(String cache, Map<String, String> env) {
        if (cache.equals("~") || cache.startsWith("~/")) {
            String home = env.get("HOME");
            if (home == null || home.isBlank()) {
                return null;
            }
            return java.nio.file.Path.of(home).resolve(cache.equals("~") ? "" : cache.substring(2)).normalize();
        }
        java.nio.file.Path p = java.nio.file.Path.of(cache);
        return p.isAbsolute() ? p.normalize() : null;
    }
}
