package dev.munero.agent.tools;

import dev.munero.agent.safety.PathEscapeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code write_file}: creates or replaces a file with the given content (UTF-8), creating missing directories.
 * The file is replaced atomically (a temporary file renamed over it), keeps its permissions when it existed and
 * gets {@code rw-r--r--} when new. Never writes outside the workspace or in {@code .git}.
 */
public final class WriteFileTool extends AbstractTool {
    public WriteFileTool() {
        super("write_file", ToolKind.EDIT,
                "Writes a file in the workspace with the given content, replacing it if it exists and creating missing "
                + "parent directories. Give the whole file: to change part of an existing file, use edit_file, which is "
                + "cheaper and safer. Cannot write outside the workspace or in .git.",
                Schema.object()
                        .string("path", "The file to write, relative to the workspace root.", true)
                        .string("content", "The complete new content of the file.", true)
                        .build(),
                "path");
    }

    @Override
    protected ToolResult call(ToolInput in, ToolContext context) throws ToolFailure, PathEscapeException, IOException,
            InterruptedException {
        String given = in.nonBlank("path");
        String content = in.string("content");
        Path file = context.paths().resolveForWrite(given);
        String shown = context.paths().display(file);
        context.writeGuard().beforeWrite(shown);
        if (Files.isDirectory(file)) {
            throw new ToolFailure(shown + " is a directory; give a file path");
        }
        boolean existed = Files.exists(file);
        int bytes = TextFiles.write(file, content);
        long lines = content.isEmpty() ? 0 : content.lines().count();
        return ToolResult.ok((existed ? "replaced " : "created ") + shown + ": " + TextFiles.count(bytes, "byte")
                + ", " + TextFiles.count(lines, "line"));
    }
}
