package dev.munero.memory.tools;

import dev.munero.agent.tools.AbstractTool;
import dev.munero.agent.tools.OutputCap;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.ToolFailure;
import dev.munero.agent.tools.ToolInput;
import dev.munero.agent.tools.ToolKind;
import dev.munero.agent.tools.ToolResult;
import dev.munero.memory.Author;
import dev.munero.memory.Entry;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.StaleVersionException;
import dev.munero.store.StoreException;
import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the three memory tools share beyond {@link AbstractTool} (which reads the arguments and turns a
 * {@link ToolFailure} into {@link ToolResult#error}): the bank, the author their writes are attributed to, and
 * {@link #call(ToolInput, ToolContext)}, which turns the bank's expected failures — a stale version, a bad value, a
 * database that cannot be read or written — into {@link ToolResult#error} with a message the model can act on, and
 * caps the output at the context's {@link ToolContext#maxOutputChars()}.
 *
 * <p>Thread-safe: the bank is; the rest is immutable.
 */
abstract class MemoryTool extends AbstractTool {
    final MemoryBank bank;
    final Author author;

    MemoryTool(MemoryBank bank, Author author, String name, ToolKind kind, String description, ObjectNode schema) {
        super(name, kind, description, schema, null);
        this.bank = Objects.requireNonNull(bank, "bank");
        this.author = Objects.requireNonNull(author, "author");
    }

    @Override
    protected final ToolResult call(ToolInput in, ToolContext context) throws ToolFailure {
        try {
            return ToolResult.ok(OutputCap.cap(call(in), context.maxOutputChars()));
        } catch (StaleVersionException e) {
            return ToolResult.error(name() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) { // a value the bank refuses (a key, a namespace, a tag)
            return ToolResult.error(e.getMessage().startsWith(name()) ? e.getMessage() : name() + ": " + e.getMessage());
        } catch (StoreException e) {
            return ToolResult.error(name() + " failed: the memory bank cannot be used: " + e.getMessage());
        }
    }

    /**
     * The call's work: the text the model reads.
     *
     * @throws ToolFailure              for a bad argument (the message names the tool and the field)
     * @throws StaleVersionException    when a write expected another version
     * @throws IllegalArgumentException for a value the bank refuses
     */
    abstract String call(ToolInput args) throws ToolFailure, StaleVersionException;

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
