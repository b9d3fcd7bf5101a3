package dev.munero.engine.detect;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Helpers for repository-relative paths and the glob strings of {@link dev.munero.engine.config.StepSpec}.
 *
 * <p>Relative paths are {@link Path}s with the root as the empty path; their text form uses {@code /} on
 * every platform and is {@code "."} for the root, as {@code StepSpec.cwd} expects.
 */
final class RelPaths {

    private RelPaths() {
    }

    /** The {@code /}-separated text of a relative path, {@code "."} for the empty path. */
    static String str(Path rel) {
        if (rel.toString().isEmpty()) {
            return ".";
        }
        List<String> names = new ArrayList<>();
        rel.forEach(n -> names.add(n.toString()));
        return String.join("/", names);
    }

    /** {@code glob} under the directory {@code dir} (text form), or {@code glob} itself when dir is {@code "."}. */
    static String under(String dir, String glob) {
        return ".".equals(dir) || dir.isEmpty() ? glob : dir + "/" + glob;
    }

    /** {@code glob} under the relative directory {@code dir}. */
    static String under(Path dir, String glob) {
        return under(str(dir), glob);
    }

    /** A glob anchored at the repository root: {@code /} followed by the glob under {@code dir}. */
    static String rooted(Path dir, String glob) {
        return "/" + under(dir, glob);
    }

    /**
     * {@code glob} under {@code dir} as a step whose working directory is {@code cwd} should declare it:
     * relative to cwd when {@code dir} is at or below it, otherwise anchored at the repository root.
     */
    static String from(Path cwd, Path dir, String glob) {
        return isAtOrBelow(dir, cwd) ? under(cwd.relativize(dir), glob) : rooted(dir, glob);
    }

    /** An exclusion glob: {@code !} followed by {@code glob}. */
    static String not(String glob) {
        return "!" + glob;
    }

    /** Whether {@code path} lies strictly below {@code dir}; everything non-empty is below the root. */
    static boolean isStrictlyBelow(Path path, Path dir) {
        if (dir.toString().isEmpty()) {
            return !path.toString().isEmpty();
        }
        return !path.equals(dir) && path.startsWith(dir);
    }

    /** Whether {@code path} is {@code dir} or lies below it. */
    static boolean isAtOrBelow(Path path, Path dir) {
        return path.equals(dir) || isStrictlyBelow(path, dir);
    }

    /**
     * Whether {@code path} is at or below any of {@code dirs}, looking up each ancestor of {@code path}
     * (at most the walk's depth) instead of scanning every directory: a workspace of N packages asks this
     * N times of N directories.
     */
    static boolean isAtOrBelowAny(Path path, Set<Path> dirs) {
        if (dirs.contains(Path.of(""))) {
            return true;
        }
        for (Path p = path; p != null; p = p.getParent()) {
            if (dirs.contains(p)) {
                return true;
            }
        }
        return false;
    }


    /** The parent of a relative file path, the empty path for a file at the root. */
    static Path parentOf(Path relFile) {
        Path parent = relFile.getParent();
        return parent == null ? Path.of("") : parent;
    }

    /** The last name of a relative directory, or the root directory's own name for the root. */
    static String dirName(Path root, Path rel) {
        if (rel.toString().isEmpty()) {
            Path name = root.getFileName();
            return name == null ? "root" : name.toString();
        }
        return rel.getFileName().toString();
    }

    /**
     * A directory as a step-name prefix: its path, or the root directory's own name for the root. Used
     * when two projects of one detector share a name.
     */
    static String label(Path root, Path rel) {
        return rel.toString().isEmpty() ? dirName(root, rel) : str(rel);
    }

    /**
     * Resolves {@code other} (a path written in a build file, relative to {@code base}) to a path relative
     * to the root, or returns null when it is absolute or leaves the repository.
     */
    static Path resolveWithin(Path base, String other) {
        Path o = Path.of(other.replace('\\', '/'));
        if (o.isAbsolute()) {
            return null;
        }
        Path resolved = base.resolve(o).normalize();
        if (resolved.startsWith("..")) {
            return null;
        }
        return resolved;
    }
}
