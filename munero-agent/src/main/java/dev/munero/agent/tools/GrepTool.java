package dev.munero.agent.tools;

import dev.munero.agent.safety.PathEscapeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code grep}: the lines matching a {@link java.util.regex.Pattern Java regular expression}, as
 * {@code path:line:text}, in a file or under a directory, files in path order. Leaves out
 * {@link WorkspaceWalk#IGNORED}, symbolic links, binary files (a NUL in the first 8 KiB) and files over
 * {@value #MAX_FILE_BYTES} bytes.
 */
public final class GrepTool extends AbstractTool {
    public static final int DEFAULT_MAX_RESULTS = 200;
    public static final int MAX_RESULTS = 2000;
    /** Characters of a matching line shown. */
    public static final int MAX_LINE_CHARS = 300;
    /** Files larger than this are not searched. */
    public static final long MAX_FILE_BYTES = 10L * 1024 * 1024;

    public GrepTool() {
        super("grep", ToolKind.READ,
                "Searches file contents line by line with a Java regular expression (like PCRE: \\s, \\w, \\b, (?i), "
                + "alternatives with |; escape literal ( [ { . * + ?). Searches the file or directory at path (default: "
                + "the workspace), optionally only files matching glob. Returns path:line:text for each matching line, "
                + "files in path order, at most max_results lines. Leaves out .git, node_modules, target, .munero, "
                + "binary files and files over 10 MiB.",
                Schema.object()
                        .string("pattern", "A Java regular expression, e.g. class\\s+\\w+Service or TODO|FIXME.", true)
                        .string("path", "The file or directory to search, relative to the workspace root (default: the root).", false)
                        .string("glob", "Only files matching this glob: on the file name (*.java) or, with a /, on the path "
                                + "relative to path (src/**/*.ts).", false)
                        .bool("ignore_case", "Match case-insensitively (default false).")
                        .integer("max_results", "The most matching lines to return (default " + DEFAULT_MAX_RESULTS + ", at most "
                                + MAX_RESULTS + ").", 1)
                        .build(),
                "pattern");
    }

    @Override
    protected ToolResult call(ToolInput in, ToolContext context) throws ToolFailure, PathEscapeException, IOException,
            InterruptedException {
        String regex = in.nonBlank("pattern");
        Path start = context.paths().resolve(in.optionalString("path").orElse("."));
        String glob = in.optionalString("glob").filter(g -> !g.isBlank()).orElse(null);
        boolean ignoreCase = in.bool("ignore_case", false);
        int max = in.optionalInt("max_results", 1, MAX_RESULTS).orElse(DEFAULT_MAX_RESULTS);
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        } catch (PatternSyntaxException e) {
            throw new ToolFailure("invalid regular expression: " + e.getMessage());
        }
        PathMatcher matcher;
        try {
            matcher = glob == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new ToolFailure("invalid glob '" + glob + "': " + e.getMessage());
        }
        String shown = context.paths().display(start);
        if (!Files.exists(start)) {
            throw new ToolFailure(shown + " does not exist");
        }
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(start)) {
            files.add(start);
        } else {
            WorkspaceWalk.walk(start, Integer.MAX_VALUE, (path, attrs) -> {
                if (attrs.isRegularFile() && attrs.size() <= MAX_FILE_BYTES && selected(matcher, glob, start, path)) {
                    files.add(path);
                }
                return true;
            });
            files.sort(null);
        }
        StringBuilder out = new StringBuilder();
        int found = 0;
        for (Path file : files) {
            if (found >= max) {
                break;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("grep cancelled");
            }
            if (TextFiles.isBinary(file)) {
                continue;
            }
            found += search(file, context.paths().display(file), pattern, max - found, out);
        }
        if (found == 0) {
            return ToolResult.ok("no matches for " + regex + " in " + shown + (glob == null ? "" : " (files " + glob + ")"));
        }
        if (found >= max) {
            out.append("[stopped at ").append(max).append(" matching lines; narrow the pattern, path or glob, "
                    + "or raise max_results]\n");
        }
        return ToolResult.ok(OutputCap.cap(out.toString(), context.maxOutputChars()));
    }

    private static boolean selected(PathMatcher matcher, String glob, Path start, Path file) {
        if (matcher == null) {
            return true;
        }
        return matcher.matches(glob.contains("/") ? start.relativize(file) : file.getFileName());
    }

    /** Appends up to {@code limit} matching lines of {@code file}; returns how many. */
    private static int search(Path file, String shown, Pattern pattern, int limit, StringBuilder out)
            throws java.io.IOException {
        int found = 0;
        try (BufferedReader reader = TextFiles.reader(file)) {
            Matcher m = pattern.matcher("");
            int n = 0;
            for (String line = reader.readLine(); line != null && found < limit; line = reader.readLine()) {
                n++;
                if (m.reset(line).find()) {
                    found++;
                    String text = line.length() <= MAX_LINE_CHARS ? line : line.substring(0, MAX_LINE_CHARS) + " [...]";
                    out.append(shown).append(':').append(n).append(':').append(text).append('\n');
                }
            }
        }
        return found;
    }
}
