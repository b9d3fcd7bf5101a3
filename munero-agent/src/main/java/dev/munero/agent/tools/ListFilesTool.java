package dev.munero.agent.tools;

import dev.munero.agent.safety.PathEscapeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;

/**
 * {@code list_files}: the entries of a directory down to a depth, one workspace-relative path a line, sorted;
 * directories end with {@code /}, symbolic links show their target. Leaves out {@link WorkspaceWalk#IGNORED}.
 */
public final class ListFilesTool extends AbstractTool {
    public static final int DEFAULT_DEPTH = 2;
    public static final int MAX_DEPTH = 10;
    /** Entries listed at most. */
    public static final int MAX_ENTRIES = 1000;

    public ListFilesTool() {
        super("list_files", ToolKind.READ,
                "Lists a directory of the workspace: one path per line, relative to the workspace root, sorted, "
                + "directories ending in /, down to depth levels (default " + DEFAULT_DEPTH + "). Leaves out .git, "
                + "node_modules, target and .munero. To find files by name use glob; to search contents use grep.",
                Schema.object()
                        .string("path", "The directory, relative to the workspace root (default: the root).", false)
                        .integer("depth", "How many levels down to list (default " + DEFAULT_DEPTH + ", at most " + MAX_DEPTH + ").", 1)
                        .build(),
                "path");
    }

    @Override
    protected ToolResult call(ToolInput in, ToolContext context) throws ToolFailure, PathEscapeException, IOException,
            InterruptedException {
        String given = in.optionalString("path").orElse(".");
        int depth = in.optionalInt("depth", 1, MAX_DEPTH).orElse(DEFAULT_DEPTH);
        Path dir = context.paths().resolve(given);
        String shown = context.paths().display(dir);
        if (!Files.exists(dir)) {
            throw new ToolFailure(shown + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new ToolFailure(shown + " is a file, not a directory; use read_file to read it");
        }
        TreeSet<String> entries = new TreeSet<>();
        int[] more = {0};
        WorkspaceWalk.walk(dir, depth, (path, attrs) -> {
            if (entries.size() >= MAX_ENTRIES) {
                more[0]++;
                return true;
            }
            String rel = context.paths().display(path);
            if (attrs.isSymbolicLink()) {
                entries.add(rel + " -> " + Files.readSymbolicLink(path));
            } else {
                entries.add(attrs.isDirectory() ? rel + "/" : rel);
            }
            return true;
        });
        if (entries.isEmpty()) {
            return ToolResult.ok("[" + shown + " is empty]");
        }
        StringBuilder out = new StringBuilder(String.join("\n", entries)).append('\n');
        if (more[0] > 0) {
            out.append("[... ").append(more[0]).append(" more entries not listed; list a subdirectory or lower depth]\n");
        }
        return ToolResult.ok(OutputCap.cap(out.toString(), context.maxOutputChars()));
    }
}
