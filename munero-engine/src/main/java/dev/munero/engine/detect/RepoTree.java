package dev.munero.engine.detect;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One walk over a repository: the directories it visits and the build files it found in them, as paths
 * relative to the root.
 *
 * <p>The walk skips {@link #SKIPPED_DIRS}, every hidden directory (name starting with {@code .}) and
 * symbolic links to directories, and visits no directory more than {@link #MAX_DEPTH} levels below the
 * root. Only files whose name is one of the names given to {@link #scan} are recorded.
 *
 * <p>Invariant: {@link #dirs()} and every list returned by {@link #files} are ordered shallowest first,
 * then by their {@code /}-separated text, so detectors that take "the first" build file are
 * deterministic. The root itself is the empty path and is the first directory.
 *
 * <p>Immutable after {@link #scan} returns, and thread-safe.
 */
final class RepoTree {

    /** Directories never descended into: tool state, dependencies and build products. */
    static final Set<String> SKIPPED_DIRS =
            Set.of(".git", "node_modules", "target", "build", "dist", ".munero", ".venv", "venv", "vendor");

    /** Directories deeper than this many levels below the root are not visited. */
    static final int MAX_DEPTH = 6;

    static final Comparator<Path> SHALLOWEST_FIRST =
            Comparator.comparingInt(RepoTree::depth).thenComparing(RelPaths::str);

    private final Path root;
    private final List<Path> dirs;
    private final Map<String, List<Path>> filesByName;
    private final Set<Path> files;
    private final List<String> warnings;

    private RepoTree(Path root, List<Path> dirs, Map<String, List<Path>> filesByName, List<String> warnings) {
        this.root = root;
        this.dirs = List.copyOf(dirs);
        this.filesByName = Map.copyOf(filesByName);
        Set<Path> all = new HashSet<>();
        filesByName.values().forEach(all::addAll);
        this.files = Set.copyOf(all);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Walks {@code root}.
     *
     * @param root      absolute, normalised repository root
     * @param fileNames exact file names to record, e.g. {@code pom.xml}
     * @throws DetectionException when the root itself cannot be listed; unreadable subdirectories are
     *                            skipped with a warning instead
     */
    static RepoTree scan(Path root, Collection<String> fileNames) throws DetectionException {
        Set<String> wanted = Set.copyOf(fileNames);
        List<Path> dirs = new ArrayList<>();
        Map<String, List<Path>> found = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        Path top = Path.of("");
        dirs.add(top);
        try {
            visit(root, top, 0, wanted, dirs, found, warnings);
        } catch (IOException e) {
            throw new DetectionException("cannot list the repository root " + root + ": " + e.getMessage(), e);
        }
        dirs.sort(SHALLOWEST_FIRST);
        found.values().forEach(list -> list.sort(SHALLOWEST_FIRST));
        return new RepoTree(root, dirs, found, warnings);
    }

    private static void visit(Path root, Path dir, int depth, Set<String> wanted, List<Path> dirs,
                              Map<String, List<Path>> found, List<String> warnings) throws IOException {
        List<Path> subdirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve(dir))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Path rel = dir.resolve(name);
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    if (depth < MAX_DEPTH && !name.startsWith(".") && !SKIPPED_DIRS.contains(name)) {
                        subdirs.add(rel);
                    }
                } else if (wanted.contains(name) && Files.isRegularFile(entry)) {
                    found.computeIfAbsent(name, n -> new ArrayList<>()).add(rel);
                }
            }
        } catch (IOException e) {
            if (depth == 0) {
                throw e;
            }
            warnings.add("cannot list directory " + RelPaths.str(dir) + " (" + e.getMessage() + "); skipped it");
            return;
        }
        for (Path sub : subdirs) {
            dirs.add(sub);
            visit(root, sub, depth + 1, wanted, dirs, found, warnings);
        }
    }

    /** Levels below the root: 0 for the root (the empty path), 1 for {@code a}, 2 for {@code a/b}. */
    static int depth(Path rel) {
        return rel.toString().isEmpty() ? 0 : rel.getNameCount();
    }

    /** The absolute repository root. */
    Path root() {
        return root;
    }

    /** Every visited directory, relative to the root, the root (empty path) first. */
    List<Path> dirs() {
        return dirs;
    }

    /** The recorded files with this exact name, relative to the root, shallowest first. */
    List<Path> files(String name) {
        return filesByName.getOrDefault(name, List.of());
    }

    /** Whether the walk recorded this file (relative to the root). */
    boolean hasFile(Path rel) {
        return files.contains(rel);
    }

    /** Whether {@code rel} (relative to the root) is a directory, following links. */
    boolean isDirectory(Path rel) {
        return Files.isDirectory(root.resolve(rel));
    }

    /** Whether {@code rel} (relative to the root) is a regular file, following links. */
    boolean isFile(Path rel) {
        return Files.isRegularFile(root.resolve(rel));
    }

    /** Whether {@code rel} (relative to the root) is an executable regular file. */
    boolean isExecutable(Path rel) {
        Path p = root.resolve(rel);
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    /** Directories that could not be listed, as messages. */
    List<String> warnings() {
        return warnings;
    }

    /** The visited directories strictly below {@code dir}, shallowest first. */
    List<Path> dirsBelow(Path dir) {
        List<Path> below = new ArrayList<>();
        for (Path d : dirs) {
            if (RelPaths.isStrictlyBelow(d, dir)) {
                below.add(d);
            }
        }
        return below;
    }
}
