package dev.munero.agent.tools;

import dev.munero.agent.safety.PathEscapeException;
import dev.munero.engine.cache.FileSets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code glob}: the files whose path matches a glob, through the engine's {@link FileSets} (the same rules as
 * {@code munero.yaml} inputs: JDK glob syntax, {@code **}{@code /} also matching no directory, {@code .git},
 * {@code .munero} and {@code node_modules} left out, links not followed). Workspace-relative paths, sorted, at most
 * {@value #MAX_RESULTS}.
 */
public final class GlobTool extends AbstractTool {
    public static final int MAX_RESULTS = 500;

    public GlobTool() {
        super("glob", ToolKind.READ,
                "Finds files by path pattern, e.g. **/*.java, src/**/*Test.{ts,tsx} or docs/*.md, relative to path "
                + "(default: the workspace root). * matches within one directory name, ** across directories (also none), "
                + "? one character, {a,b} alternatives, [abc] a set. Returns matching files as workspace-relative paths, "
                + "sorted, at most " + MAX_RESULTS + ". Leaves out .git, node_modules and .munero. To search file "
                + "contents use grep.",
                Schema.object()
                        .string("pattern", "The glob, e.g. **/*.java or src/**/*.{ts,tsx}, relative to path.", true)
                        .string("path", "The directory to search from, relative to the workspace root (default: the root).", false)
                        .build(),
                "pattern");
    }

    @Override
    protected ToolResult call(ToolInput in, ToolContext context) throws ToolFailure, PathEscapeException, IOException,
            InterruptedException {
        String pattern = in.nonBlank("pattern").strip();
        Path dir = context.paths().resolve(in.optionalString("path").orElse("."));
        String shown = context.paths().display(dir);
        if (!Files.isDirectory(dir)) {
            throw new ToolFailure(shown + " is not a directory");
        }
        if (pattern.startsWith("/") || pattern.startsWith("!") || List.of(pattern.split("/")).contains("..")) {
            throw new ToolFailure("pattern '" + pattern + "' must be relative to path, without '..' or a leading / or !");
        }
        List<String> files;
        try {
            files = FileSets.expand(context.workspace(), shown, List.of(pattern), List.of());
        } catch (IllegalArgumentException e) {
            throw new ToolFailure("invalid glob '" + pattern + "': " + e.getMessage());
        }
        if (files.isEmpty()) {
            return ToolResult.ok("no files match " + pattern + " in " + shown);
        }
        StringBuilder out = new StringBuilder();
        files.stream().limit(MAX_RESULTS).forEach(f -> out.append(f).append('\n'));
        if (files.size() > MAX_RESULTS) {
            out.append("[... ").append(files.size() - MAX_RESULTS).append(" more files; use a narrower pattern]\n");
        }
        return ToolResult.ok(OutputCap.cap(out.toString(), context.maxOutputChars()));
    }
}
