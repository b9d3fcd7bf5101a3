package dev.munero.engine.detect;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the few facts auto-detection needs from Gradle settings and build scripts, Groovy or Kotlin DSL,
 * with regular expressions over the text with comments removed.
 *
 * <p>Limitation, by design: scripts are not evaluated, so only literal forms are seen —
 * {@code include 'a', ':b:c'}, {@code include(":a", ":b")} (one or more string arguments, across lines),
 * {@code rootProject.name = "x"}, {@code project(":x").projectDir = file("dir")} (or
 * {@code new File(settingsDir, "dir")}), and in build scripts {@code project(':x')},
 * {@code project(path: ':x')} and type-safe accessors {@code projects.x.y}. Includes computed in loops,
 * from variables or from other files are missed.
 */
final class GradleScripts {

    private static final Pattern INCLUDE = Pattern.compile(
            "\\binclude\\s*\\(?\\s*((?:(?:\"[^\"\\n]*\"|'[^'\\n]*')\\s*,?\\s*)+)\\)?");
    private static final Pattern STRING = Pattern.compile("\"([^\"\\n]*)\"|'([^'\\n]*)'");
    private static final Pattern ROOT_NAME = Pattern.compile("\\brootProject\\.name\\s*=\\s*[\"']([^\"'\\n]+)[\"']");
    private static final Pattern PROJECT_DIR = Pattern.compile(
            "\\bproject\\s*\\(\\s*[\"']([^\"'\\n]+)[\"']\\s*\\)\\s*\\.projectDir\\s*=\\s*"
                    + "(?:file\\s*\\(\\s*|(?:new\\s+)?(?:java\\.io\\.)?File\\s*\\(\\s*(?:settingsDir|rootDir|settings\\.rootDir)\\s*,\\s*)"
                    + "[\"']([^\"'\\n]+)[\"']");
    private static final Pattern PROJECT_DEPENDENCY = Pattern.compile(
            "\\bproject\\s*\\(\\s*(?:path\\s*[:=]\\s*)?[\"'](:[^\"'\\n]*)[\"']");
    private static final Pattern ACCESSOR = Pattern.compile(
            "\\bprojects\\.([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)");

    private GradleScripts() {
    }

    /** What a settings script declares. */
    record Settings(Optional<String> rootProjectName, Set<String> includes, Map<String, String> projectDirs) {
    }

    static Settings settings(String script) {
        String code = stripComments(script);
        Set<String> includes = new LinkedHashSet<>();
        Matcher m = INCLUDE.matcher(code);
        while (m.find()) {
            Matcher s = STRING.matcher(m.group(1));
            while (s.find()) {
                String path = s.group(1) != null ? s.group(1) : s.group(2);
                if (!path.isBlank()) {
                    includes.add(projectPath(path));
                }
            }
        }
        Matcher r = ROOT_NAME.matcher(code);
        Optional<String> rootName = r.find() ? Optional.of(r.group(1)) : Optional.empty();
        Map<String, String> dirs = new LinkedHashMap<>();
        Matcher d = PROJECT_DIR.matcher(code);
        while (d.find()) {
            dirs.put(projectPath(d.group(1)), d.group(2));
        }
        return new Settings(rootName, includes, dirs);
    }

    /**
     * The project paths a build script depends on.
     *
     * @param accessors type-safe accessor chains ({@code services.apiGateway}) mapped to project paths
     */
    static Set<String> projectDependencies(String script, Map<String, String> accessors) {
        String code = stripComments(script);
        Set<String> deps = new LinkedHashSet<>();
        Matcher m = PROJECT_DEPENDENCY.matcher(code);
        while (m.find()) {
            deps.add(m.group(1));
        }
        Matcher a = ACCESSOR.matcher(code);
        while (a.find()) {
            // The longest prefix naming a project wins: projects.core.dependencyProject is :core.
            String chain = a.group(1);
            while (true) {
                String path = accessors.get(chain);
                if (path != null) {
                    deps.add(path);
                    break;
                }
                int dot = chain.lastIndexOf('.');
                if (dot < 0) {
                    break;
                }
                chain = chain.substring(0, dot);
            }
        }
        return deps;
    }

    /** {@code a:b} and {@code :a:b} both become {@code :a:b}. */
    static String projectPath(String included) {
        String p = included.trim();
        return p.startsWith(":") ? p : ":" + p;
    }

    /** The type-safe accessor of a project path: {@code :my-lib:api_v2} becomes {@code myLib.apiV2}. */
    static String accessor(String projectPath) {
        StringBuilder out = new StringBuilder();
        for (String segment : projectPath.substring(1).split(":")) {
            if (!out.isEmpty()) {
                out.append('.');
            }
            boolean upper = false;
            for (char c : segment.toCharArray()) {
                if (c == '-' || c == '_') {
                    upper = true;
                } else {
                    out.append(upper ? Character.toUpperCase(c) : c);
                    upper = false;
                }
            }
        }
        return out.toString();
    }

    /** The script without {@code //} and {@code /* *}{@code /} comments; string literals are kept intact. */
    static String stripComments(String script) {
        StringBuilder out = new StringBuilder(script.length());
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < n && script.charAt(end) != c && script.charAt(end) != '\n') {
                    end += script.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, n);
                out.append(script, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '/') {
                while (i < n && script.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
