package dev.munero.agent.tools;

import dev.munero.agent.safety.PathEscapeException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code edit_file}: replaces an exact string in a UTF-8 text file. {@code old_string} must occur exactly once,
 * or {@code replace_all} must be set; otherwise, and when it is absent or equal to {@code new_string}, the file is
 * left unchanged and the error says why (with the lines of each occurrence when ambiguous). On success the result
 * shows the changed region with line numbers. Writes like {@link WriteFileTool}.
 */
public final class EditFileTool extends AbstractTool {
    /** Lines of context shown around a change. */
    private static final int SNIPPET_CONTEXT = 3;
    /** Lines of a snippet at most. */
    private static final int SNIPPET_LINES = 40;
    private static final int MAX_LISTED = 10;

    public EditFileTool() {
        super("edit_file", ToolKind.EDIT,
                "Replaces exact text in a file. old_string must match the file exactly, whitespace and indentation "
                + "included (read the file first; leave out read_file's line-number prefixes), and must occur exactly "
                + "once: include enough surrounding lines to make it unique, or set replace_all to change every "
                + "occurrence (e.g. to rename). The file is unchanged when old_string is not found, occurs more than "
                + "once without replace_all, or equals new_string. Returns the changed lines. Use write_file to create "
                + "a file.",
                Schema.object()
                        .string("path", "The file to edit, relative to the workspace root.", true)
                        .string("old_string", "The exact text to replace, including whitespace and indentation.", true)
                        .string("new_string", "The text to put in its place.", true)
                        .bool("replace_all", "Replace every occurrence of old_string (default false: it must occur exactly once).")
                        .build(),
                "path");
    }

    @Override
    protected ToolResult call(ToolInput in, ToolContext context) throws ToolFailure, PathEscapeException, IOException,
            InterruptedException {
        String given = in.nonBlank("path");
        String oldString = in.string("old_string");
        String newString = in.string("new_string");
        boolean replaceAll = in.bool("replace_all", false);
        Path file = context.paths().resolveForWrite(given);
        String shown = context.paths().display(file);
        context.writeGuard().beforeWrite(shown);
        if (oldString.isEmpty()) {
            throw new ToolFailure("old_string is empty; give the text to replace, or use write_file to create " + shown);
        }
        if (oldString.equals(newString)) {
            throw new ToolFailure("old_string and new_string are the same; nothing to change in " + shown);
        }
        if (!Files.isRegularFile(file)) {
            throw new ToolFailure(shown + (Files.isDirectory(file) ? " is a directory" : " does not exist")
                    + "; edit_file changes existing files (use write_file to create one)");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (CharacterCodingException e) {
            throw new ToolFailure(shown + " is not UTF-8 text; edit_file changes text files only");
        }
        List<Integer> at = occurrences(text, oldString);
        if (at.isEmpty()) {
            String hint = !oldString.contains("\r") && text.contains("\r\n") && oldString.contains("\n")
                    ? " (the file has CRLF line endings)" : "";
            throw new ToolFailure("old_string not found in " + shown + hint + "; it must match exactly, whitespace "
                    + "and indentation included: read_file shows the current text");
        }
        if (at.size() > 1 && !replaceAll) {
            String lines = at.stream().limit(MAX_LISTED).map(i -> String.valueOf(lineOf(text, i)))
                    .collect(Collectors.joining(", ")) + (at.size() > MAX_LISTED ? ", ..." : "");
            throw new ToolFailure("old_string occurs " + at.size() + " times in " + shown + " (lines " + lines
                    + "); add surrounding context to make it unique, or set replace_all to replace every one");
        }
        String updated = replaceAll ? text.replace(oldString, newString)
                : text.substring(0, at.get(0)) + newString + text.substring(at.get(0) + oldString.length());
        TextFiles.write(file, updated);
        int firstLine = lineOf(text, at.get(0));
        int lastLine = firstLine + (int) newString.chars().filter(c -> c == '\n').count();
        return ToolResult.ok("replaced " + TextFiles.count(at.size(), "occurrence") + " in " + shown
                + "; lines " + firstLine + "-" + lastLine + " now read:\n" + snippet(updated, firstLine, lastLine));
    }

    /** The start index of each non-overlapping occurrence of {@code s} in {@code text}. */
    private static List<Integer> occurrences(String text, String s) {
        List<Integer> out = new ArrayList<>();
        for (int i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + s.length())) {
            out.add(i);
        }
        return out;
    }

    /** The 1-based line of index {@code i}. */
    private static int lineOf(String text, int i) {
        int line = 1;
        for (int k = text.indexOf('\n'); k >= 0 && k < i; k = text.indexOf('\n', k + 1)) {
            line++;
        }
        return line;
    }

    private static String snippet(String text, int firstLine, int lastLine) {
        List<String> lines = text.lines().toList();
        int from = Math.max(1, firstLine - SNIPPET_CONTEXT);
        int to = Math.min(lines.size(), Math.min(lastLine + SNIPPET_CONTEXT, from + SNIPPET_LINES - 1));
        StringBuilder out = new StringBuilder();
        for (int n = from; n <= to; n++) {
            out.append(TextFiles.numbered(n, lines.get(n - 1))).append('\n');
        }
        return out.toString();
    }
}
