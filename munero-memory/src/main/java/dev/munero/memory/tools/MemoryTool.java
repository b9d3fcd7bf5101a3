package dev.munero.memory.tools;

import dev.munero.agent.tools.OutputCap;
import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.ToolKind;
import dev.munero.agent.tools.ToolResult;
import dev.munero.memory.Author;
import dev.munero.memory.Entry;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.StaleVersionException;
import dev.munero.store.StoreException;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the three memory tools share: the bank, the author their writes are attributed to, the definition (name,
 * kind, description, schema), and {@link #execute}, which turns every expected failure — a bad argument, a stale
 * version, a database that cannot be read or written — into {@link ToolResult#error} with a message the model can
 * act on, and caps the output at the context's {@link ToolContext#maxOutputChars()}.
 *
 * <p>Thread-safe: the bank is; the rest is immutable.
 */
abstract class MemoryTool implements Tool {
    final MemoryBank bank;
    final Author author;
    private final String name;
    private final ToolKind kind;
    private final String description;
    private final ObjectNode schema;

    MemoryTool(MemoryBank bank, Author author, String name, ToolKind kind, String description, ObjectNode schema) {
        this.bank = Objects.requireNonNull(bank, "bank");
        this.author = Objects.requireNonNull(author, "author");
        this.name = name;
        this.kind = kind;
        this.description = description;
        this.schema = schema;
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
    public final ToolResult execute(JsonNode input, ToolContext context) {
        try {
            return ToolResult.ok(OutputCap.cap(call(new ToolArgs(name, input)), context.maxOutputChars()));
        } catch (StaleVersionException e) {
            return ToolResult.error(name + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return ToolResult.error(e.getMessage().startsWith(name) ? e.getMessage() : name + ": " + e.getMessage());
        } catch (StoreException e) {
            return ToolResult.error(name + " failed: the memory bank cannot be used: " + e.getMessage());
        }
    }

    /**
     * The call's work: the text the model reads.
     *
     * @throws StaleVersionException    when a write expected another version
     * @throws IllegalArgumentException for a bad argument (the message names it)
     */
    abstract String call(ToolArgs args) throws StaleVersionException;

    /**
     * The entry's header line: {@code project/notes/build (note, version 2, by agent agent-1, task t1, run r1,
     * 2026-11-26T18:00:00Z) tags: a, b}.
     */
    static String header(Entry e) {
        return e.namespace() + "/" + e.key() + " (" + e.kind() + ", version " + e.version() + ", by "
                + e.author().describe() + ", " + e.updatedAt() + ")"
                + (e.tags().isEmpty() ? "" : " tags: " + String.join(", ", e.tags()));
    }
}
