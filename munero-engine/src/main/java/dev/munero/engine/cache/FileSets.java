package dev.munero.engine.cache;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Expands a step's input or output globs to files.
 *
 * <p>Glob rules (see {@code StepSpec}): relative to the step's cwd; a leading {@code /} makes a glob
 * relative to the repository root; a leading {@code !} excludes what it matches. The directories
 * {@code .git}, {@code .munero}, {@code node_modules}, {@code .turbo} and {@code .nx} (other tools' caches and
 * logs) are never walked unless a glob names them literally. Matching uses {@link java.nio.file.FileSystem#getPathMatcher} glob syntax on paths with
 * {@code /} separators. Symbolic links are not followed: a link to a file (or a dangling link) is matched as
 * a file, a link to a directory is left out.
 *
 * <p>Thread-safe: stateless.
 */
public final class FileSets {
    private static final Set<String> ALWAYS_SKIPPED = Set.of(".git", ".munero", "node_modules", ".turbo", ".nx");

    private FileSets() {
    }

    /**
     * The files matched by {@code globs}, minus those matched by {@code excluded}.
     *
     * @param root     absolute repository root
     * @param cwd      the step's cwd, relative to root
     * @param globs    include and {@code !}exclude globs
     * @param excluded further exclude globs (e.g. the step's outputs), same syntax: a file is left out when it
     *                 matches one of them that has no {@code !} and none that has one (so the outputs
     *                 {@code build/**}, {@code !build/helper.js} leave {@code build/helper.js} in)
     * @return repository-relative paths with {@code /} separators, sorted
     * @throws IOException when a directory cannot be walked
     */
    public static List<String> expand(Path root, String cwd, List<String> globs, List<String> excluded) throws IOException {
        return expand(root, cwd, globs, excluded, null);
    }

    /**
     * Like {@link #expand(Path, String, List, List)}, keeping only the files {@code git} does not ignore.
     *
     * @param git what git ignores, for the repository at {@code root} (its {@link GitFiles#dir()} must be
     *            {@code root}); null keeps every file
     * @throws IOException when a directory cannot be walked
     */
    public static List<String> expand(Path root, String cwd, List<String> globs, List<String> excluded, GitFiles git)
            throws IOException {
        return expand(root, cwd, globs, excluded, git, null);
    }

    /**
     * Like {@link #expand(Path, String, List, List, GitFiles)}, telling {@code walked} every path whose change could
     * change the answer: each folder walked (a new file changes its folder's time stamp), each glob base that is a
     * file, and each glob base that does not exist yet.
     *
     * @param walked receives absolute paths, possibly from the calling thread only; null for none
     * @throws IOException when a directory cannot be walked
     */
    public static List<String> expand(Path root, String cwd, List<String> globs, List<String> excluded, GitFiles git,
                                      java.util.function.Consumer<Path> walked) throws IOException {
        java.util.function.Consumer<Path> seen = walked == null ? p -> { } : walked;
        List<Pattern> includes = new ArrayList<>();
        List<Pattern> globExcludes = new ArrayList<>();
        for (String g : globs) {
            if (g.startsWith("!")) {
                globExcludes.add(Pattern.of(cwd, g.substring(1)));
            } else {
                includes.add(Pattern.of(cwd, g));
            }
        }
        List<Pattern> outExcludes = new ArrayList<>();
        List<Pattern> outExceptions = new ArrayList<>();
        for (String g : excluded) {
            if (g.startsWith("!")) {
                outExceptions.add(Pattern.of(cwd, g.substring(1)));
            } else {
                outExcludes.add(Pattern.of(cwd, g));
            }
        }
        java.util.function.Predicate<String> excludes = rel -> globExcludes.stream().anyMatch(e -> e.matches(rel))
                || outExcludes.stream().anyMatch(e -> e.matches(rel)) && outExceptions.stream().noneMatch(e -> e.matches(rel));
        TreeSet<String> out = new TreeSet<>();
        for (Pattern include : includes) {
            Path base = root.resolve(include.literalPrefix());
            if (!Files.exists(base)) {
                seen.accept(base);
                continue;
            }
            Pattern p = include.isLiteral() && Files.isDirectory(base)
                    // a bare directory name means everything under it, as in Turborepo and Nx inputs
                    ? Pattern.of(".", "/" + include.literalPrefix() + "/**") : include;
            if (Files.isRegularFile(base)) {
                seen.accept(base);
                String rel = p.literalPrefix();
                if (p.matches(rel) && !excludes.test(rel)) {
                    out.add(rel);
                }
                continue;
            }
            Files.walkFileTree(base, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(base) && ALWAYS_SKIPPED.contains(dir.getFileName().toString())) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    seen.accept(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    // a link to a directory is not a file to hash; links are not followed (no loops, no escapes)
                    if (attrs.isRegularFile() || attrs.isSymbolicLink() && !Files.isDirectory(file)) {
                        String rel = relative(root, file);
                        if (p.matches(rel) && !excludes.test(rel)) {
                            out.add(rel);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (Files.isSymbolicLink(file)) {
                        return FileVisitResult.CONTINUE; // dangling link: not a file we can hash
                    }
                    throw exc;
                }
            });
        }
        return git == null ? new ArrayList<>(out) : git.notIgnored(out);
    }

    /**
     * The paths among {@code candidates} that {@code globs} match (the same rules as {@link #expand}, without
     * reading the file system), e.g. which tracked files an output glob would claim.
     *
     * @param cwd        the step's cwd, relative to the root
     * @param globs      include and {@code !}exclude globs
     * @param candidates repository-relative paths with {@code /} separators
     * @return the matching candidates, sorted
     */
    public static List<String> match(String cwd, List<String> globs, java.util.Collection<String> candidates) {
        List<Pattern> includes = new ArrayList<>();
        List<Pattern> excludes = new ArrayList<>();
        for (String g : globs) {
            (g.startsWith("!") ? excludes : includes).add(Pattern.of(cwd, g.startsWith("!") ? g.substring(1) : g));
        }
        TreeSet<String> out = new TreeSet<>();
        for (Pattern include : includes) {
            String prefix = include.literalPrefix();
            Pattern p = include.isLiteral() ? Pattern.of(".", "/" + (prefix.isEmpty() ? "**" : prefix + "/**")) : include;
            for (String rel : candidates) {
                boolean under = prefix.isEmpty() || rel.equals(prefix) || rel.startsWith(prefix + "/");
                if (under && (rel.equals(prefix) || p.matches(rel)) && excludes.stream().noneMatch(e -> e.matches(rel))) {
                    out.add(rel);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** {@code file} relative to {@code root}, with {@code /} separators. */
    public static String relative(Path root, Path file) {
        String rel = root.relativize(file).toString();
        return java.io.File.separatorChar == '/' ? rel : rel.replace(java.io.File.separatorChar, '/');
    }

    /**
     * One glob, split into the repository-relative directory it is relative to ({@code base}) and the
     * glob below it ({@code local}), so that the compiled matchers depend on {@code local} alone and are
     * shared by every step that uses the same glob (a build of 500 packages compiles {@code dist/**}
     * once, not 500 times). {@code **}{@code /} also matches zero directories (as in Git, Turborepo and
     * Ant), which the JDK's glob does not do by itself: each such segment adds a matcher for the glob
     * without it.
     */
    private record Pattern(String base, String local, String literalPrefix, List<PathMatcher> matchers) {
        private static final java.util.concurrent.ConcurrentHashMap<String, List<PathMatcher>> COMPILED =
                new java.util.concurrent.ConcurrentHashMap<>();

        static Pattern of(String cwd, String glob) {
            String base;
            String local;
            String dir = cwd.equals(".") || cwd.isEmpty() ? "" : trimSlash(cwd);
            if (glob.startsWith("/")) {
                base = "";
                local = normalize(glob.substring(1));
            } else if (dir.isEmpty() || glob.startsWith("..") || glob.contains("/..")) {
                base = "";
                local = normalize(dir.isEmpty() ? glob : dir + "/" + glob);
            } else {
                base = normalize(dir);
                local = normalize(glob);
            }
            String localPrefix = literalPrefix(local);
            String prefix = base.isEmpty() ? localPrefix : localPrefix.isEmpty() ? base : base + "/" + localPrefix;
            return new Pattern(base, local, prefix, COMPILED.computeIfAbsent(local, Pattern::compile));
        }

        private static List<PathMatcher> compile(String local) {
            List<PathMatcher> matchers = new ArrayList<>();
            for (String variant : zeroDirVariants(local)) {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + variant));
            }
            return List.copyOf(matchers);
        }

        /** Whether it names no wildcard, so it is one file or one directory. */
        boolean isLiteral() {
            return local.equals(literalPrefix(local));
        }

        boolean matches(String rel) {
            String below;
            if (base.isEmpty()) {
                below = rel;
            } else if (rel.length() > base.length() && rel.startsWith(base) && rel.charAt(base.length()) == '/') {
                below = rel.substring(base.length() + 1);
            } else {
                return false;
            }
            Path p = Path.of(below);
            for (PathMatcher m : matchers) {
                if (m.matches(p)) {
                    return true;
                }
            }
            return false;
        }

        /** {@code a/**}{@code /b/**}{@code /c} and every form with some {@code **}{@code /} segments dropped. */
        private static Set<String> zeroDirVariants(String g) {
            Set<String> out = new java.util.LinkedHashSet<>();
            out.add(g);
            int i = g.indexOf("**/");
            if (i >= 0 && (i == 0 || g.charAt(i - 1) == '/')) {
                String head = g.substring(0, i);
                for (String tail : zeroDirVariants(g.substring(i + 3))) {
                    out.add(head + "**/" + tail);
                    out.add(head + tail);
                }
            }
            return out;
        }

        private static String trimSlash(String s) {
            String t = s.startsWith("./") ? s.substring(2) : s;
            return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
        }

        /** Resolves {@code .} and {@code ..} segments; a glob cannot climb above the root. */
        private static String normalize(String g) {
            List<String> parts = new ArrayList<>();
            for (String seg : g.split("/")) {
                if (seg.isEmpty() || seg.equals(".")) {
                    continue;
                }
                if (seg.equals("..")) {
                    if (parts.isEmpty()) {
                        throw new IllegalArgumentException("glob '" + g + "' climbs above the repository root");
                    }
                    parts.remove(parts.size() - 1);
                } else {
                    parts.add(seg);
                }
            }
            return parts.isEmpty() ? "**" : String.join("/", parts);
        }

        private static String literalPrefix(String g) {
            String[] parts = g.split("/");
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                String seg = parts[i];
                if (seg.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
                    break;
                }
                if (!sb.isEmpty()) {
                    sb.append('/');
                }
                sb.append(seg);
            }
            return sb.isEmpty() ? "" : sb.toString();
        }
    }
}
