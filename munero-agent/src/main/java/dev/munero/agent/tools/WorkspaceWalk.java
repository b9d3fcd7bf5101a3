package dev.munero.agent.tools;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.Set;

/**
 * Walks part of the workspace for {@code list_files} and {@code grep}: symbolic links are reported, never followed
 * (so a walk never leaves the workspace), the directories in {@link #IGNORED} are left out, and unreadable
 * entries are skipped. Thread-safe: stateless.
 */
final class WorkspaceWalk {
    /** Directories no walk enters: version control, dependencies, build output, Munero's own state. */
    static final Set<String> IGNORED = Set.of(".git", "node_modules", "target", ".munero");

    private WorkspaceWalk() {
    }

    /** Receives each entry below the start: its path and attributes (of the link itself for a link). */
    @FunctionalInterface
    interface Visitor {
        /**
         * @return false to stop the walk
         */
        boolean visit(Path path, BasicFileAttributes attributes) throws IOException;
    }

    /**
     * Visits every entry below {@code start} (not {@code start} itself), at most {@code maxDepth} levels down,
     * directories before their contents.
     */
    static void walk(Path start, int maxDepth, Visitor visitor) throws IOException {
        Files.walkFileTree(start, EnumSet.noneOf(FileVisitOption.class), maxDepth, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(start)) {
                    return FileVisitResult.CONTINUE;
                }
                if (IGNORED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return visitor.visit(dir, attrs) ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isDirectory() && IGNORED.contains(file.getFileName().toString())) {
                    return FileVisitResult.CONTINUE;
                }
                return visitor.visit(file, attrs) ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
