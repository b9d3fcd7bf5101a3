package dev.munero.agent.tools;

import dev.munero.agent.safety.PathEscapeException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What every standard tool shares: its name, kind, description and schema, and {@link #execute}, which reads the
 * arguments through {@link ToolInput} and turns every expected failure — a {@link ToolFailure}, a
 * {@link PathEscapeException}, an {@link IOException} — into {@link ToolResult#error}, so that no failing call ends
 * the run.
 *
 * <p>Public so that tools of other modules (the memory bank's, {@code dev.munero.memory.tools}) share it; they
 * override {@link #call}. Thread-safe when {@link #call} is: the definition is immutable.
 */
public abstract class AbstractTool implements Tool {
    private final String name;
    private final ToolKind kind;
    private final String description;
    private final ObjectNode schema;
    private final String summaryField;

    /**
     * @param summaryField the argument {@link #summary} shows (e.g. {@code path}), or null for the whole input
     */
    protected AbstractTool(String name, ToolKind kind, String description, ObjectNode schema, String summaryField) {
        this.name = Objects.requireNonNull(name, "name");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.description = Objects.requireNonNull(description, "description");
        this.schema = schema;
        this.summaryField = summaryField;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final ObjectNode inputSchema() {
        return schema.deepCopy();
    }

    @Override
    public final ToolKind kind() {
        return kind;
    }

    @Override
    public String summary(JsonNode input) {
        return summaryField == null || input == null ? Tool.super.summary(input) : input.path(summaryField).asString("");
    }

    @Override
    public final ToolResult execute(JsonNode input, ToolContext context) throws InterruptedException {
        try {
            return call(new ToolInput(name, input), context);
        } catch (ToolFailure | PathEscapeException e) {
            return ToolResult.error(e.getMessage());
        } catch (IOException e) {
            return ToolResult.error(name + " failed: " + describe(e));
        }
    }

    /**
     * The tool's work; expected failures are thrown and become error results.
     *
     * @throws ToolFailure          for a call that cannot be done as asked (its message is the error result)
     * @throws PathEscapeException  for a path outside the workspace
     * @throws IOException          for a file that cannot be read or written ({@link #describe} words it)
     * @throws InterruptedException when the run is cancelled while the call waits
     */
    protected abstract ToolResult call(ToolInput in, ToolContext context)
            throws ToolFailure, PathEscapeException, IOException, InterruptedException;

    /** An I/O error in words: {@code no such file: x}, {@code permission denied: x}, else the exception's text. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
