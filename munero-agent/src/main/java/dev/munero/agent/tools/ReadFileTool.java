package dev.munero.agent.tools;

import dev.munero.agent.safety.PathEscapeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code read_file}: a text file's lines, numbered like {@code cat -n}, a window at a time. The output ends with a
 * line giving the window and the total, e.g. {@code [src/A.java: lines 1-2000 of 5321; to read on, call read_file
 * with offset_line=2001]}. Stops early, with the same hint, when the output would pass the context's output limit.
 */
public final class ReadFileTool extends AbstractTool {
    /** Lines returned when the call gives no limit. */
    public static final int DEFAULT_LIMIT_LINES = 2000;
    /** Characters kept of one line; the rest is replaced by a note. */
    public static final int MAX_LINE_CHARS = 2000;

    public ReadFileTool() {
        super("read_file", ToolKind.READ,
                "Reads a text file in the workspace. Returns its lines numbered like `cat -n` (line number, tab, text), "
                + "up to " + DEFAULT_LIMIT_LINES + " lines from offset_line; use offset_line and limit_lines to page "
                + "through long files. Lines over " + MAX_LINE_CHARS + " characters are cut. The last line says the "
                + "total line count and how to read on. The numbers are not part of the file: leave them out of "
                + "edit_file's old_string. Fails on directories (use list_files) and binary files.",
                Schema.object()
                        .string("path", "The file, relative to the workspace root.", true)
                        .integer("offset_line", "The first line to read, 1-based (default 1).", 1)
                        .integer("limit_lines", "How many lines to read (default " + DEFAULT_LIMIT_LINES + ").", 1)
                        .build(),
                "path");
    }

    @Override
    protected ToolResult call(ToolInput in, ToolContext context) throws ToolFailure, PathEscapeException, IOException,
            InterruptedException {
        String given = in.nonBlank("path");
        int offset = in.optionalInt("offset_line", 1, Integer.MAX_VALUE).orElse(1);
        int limit = in.optionalInt("limit_lines", 1, Integer.MAX_VALUE).orElse(DEFAULT_LIMIT_LINES);
        Path file = context.paths().resolve(given);
        String shown = context.paths().display(file);
        if (!Files.exists(file)) {
            throw new ToolFailure(shown + " does not exist; list_files or glob show what does");
        }
        if (Files.isDirectory(file)) {
            throw new ToolFailure(shown + " is a directory; use list_files to see what it holds");
        }
        if (TextFiles.isBinary(file)) {
            throw new ToolFailure(shown + " is a binary file (" + Files.size(file) + " bytes); read_file shows text only");
        }
        StringBuilder out = new StringBuilder();
        int total = 0;
        int last = offset - 1;
        boolean full = false;
        try (BufferedReader reader = TextFiles.reader(file)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                total++;
                if (total < offset || total >= (long) offset + limit || full) {
                    continue;
                }
                String numbered = TextFiles.numbered(total, cut(line)) + "\n";
                if (out.length() + numbered.length() > context.maxOutputChars() && total > offset) {
                    full = true;
                    continue;
                }
                out.append(numbered);
                last = total;
            }
        }
        if (total == 0) {
            return ToolResult.ok("[" + shown + " is empty]");
        }
        if (offset > total) {
            throw new ToolFailure("offset_line " + offset + " is past the end of " + shown + ", which has "
                    + TextFiles.count(total, "line"));
        }
        out.append('[').append(shown).append(": lines ").append(offset).append('-').append(last).append(" of ")
                .append(total);
        if (last < total) {
            out.append("; to read on, call read_file with offset_line=").append(last + 1);
        }
        return ToolResult.ok(out.append(']').toString());
    }

    private static String cut(String line) {
        return line.length() <= MAX_LINE_CHARS ? line
                : line.substring(0, MAX_LINE_CHARS) + " [... " + (line.length() - MAX_LINE_CHARS) + " more characters]";
    }
}
