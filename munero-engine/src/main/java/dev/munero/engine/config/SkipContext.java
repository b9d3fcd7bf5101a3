package dev.munero.engine.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link SkipCondition}s are evaluated against.
 *
 * @param profile the active profile name
 * @param os      the OS family: linux, macos, windows or the raw {@code os.name} lower-cased
 * @param env     the environment of the build
 * @param cwd     the step's absolute working directory
 */
public record SkipContext(String profile, String os, Map<String, String> env, Path cwd) {

    /** The OS family of this JVM: linux, macos, windows, or {@code os.name} lower-cased. */
    public static String currentOs() {
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (name.startsWith("linux")) {
            return "linux";
        }
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return "macos";
        }
        if (name.startsWith("windows")) {
            return "windows";
        }
        return name;
    }
}
