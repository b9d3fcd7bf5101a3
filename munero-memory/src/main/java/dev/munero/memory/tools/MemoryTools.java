package dev.munero.memory.tools;

import dev.munero.agent.tools.Tool;
import dev.munero.memory.Author;
import dev.munero.memory.MemoryBank;
import java.util.List;

/**
 * The memory bank's agent tools: {@code memory_store}, {@code memory_search}, {@code memory_get}, bound to one bank
 * and one author. Every write is attributed to that author (the run, task and agent given here, not anything the
 * model says), and versioned: {@code memory_store} creates only, unless the model passes the version it read; a write
 * on a stale version is a tool error naming the current version and its author. Output is capped at the
 * {@link dev.munero.agent.tools.ToolContext#maxOutputChars()} of the call, as the standard tools' is.
 *
 * <p>{@code memory_store} is of kind {@link dev.munero.agent.tools.ToolKind#EDIT} (it asks first in permission mode
 * {@code ask}); the two readers are {@link dev.munero.agent.tools.ToolKind#READ}.
 *
 * <p>Thread-safe: the tools share the bank, which is thread-safe, and nothing else.
 */
public final class MemoryTools {
    /** The tools' names. */
    public static final String STORE = "memory_store";
    public static final String SEARCH = "memory_search";
    public static final String GET = "memory_get";
    /** The namespace a store or get names when the model gives none. */
    public static final String DEFAULT_NAMESPACE = "project";

    private MemoryTools() {
    }

    /**
     * The three tools on {@code bank}, writing as {@code author}.
     *
     * @param author who the tools' writes are attributed to, e.g. {@code new Author("agent-1", "fix-add", runId)}
     * @return memory_store, memory_search, memory_get, in that order; unmodifiable
     */
    public static List<Tool> of(MemoryBank bank, Author author) {
        return List.of(new MemoryStoreTool(bank, author), new MemorySearchTool(bank, author),
                new MemoryGetTool(bank, author));
    }
}
