package dev.munero.memory.tools;

import dev.munero.agent.tools.Schema;
import dev.munero.agent.tools.ToolFailure;
import dev.munero.agent.tools.ToolInput;
import dev.munero.agent.tools.ToolKind;
import dev.munero.memory.Author;
import dev.munero.memory.Entry;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.PutRequest;
import dev.munero.memory.StaleVersionException;
import dev.munero.memory.ValueType;

/**
 * {@code memory_store}: writes a note to the memory bank, attributed to the tool's author. Without
 * {@code expected_version} it only creates; to change an entry the model passes the version it read, and a write
 * on a stale version fails naming the current version and who wrote it (no lost update).
 */
final class MemoryStoreTool extends MemoryTool {
    MemoryStoreTool(MemoryBank bank, Author author) {
        super(bank, author, MemoryTools.STORE, ToolKind.EDIT, "Store a note in the project's shared memory bank, "
                + "where later agents and runs find it with memory_search. Without expected_version the key must be "
                + "new; to change an entry, pass the version memory_get showed. Writes are attributed to you.",
                Schema.object()
                        .string("key", "the entry's key, e.g. build/how-to-run-tests", true)
                        .string("value", "the note's text", true)
                        .string("namespace", "project (default), run:<run id> or agent:<name>", false)
                        .stringArray("tags", "tags to find it by")
                        .integer("expected_version", "the version you read (0: create only, the default)", 0)
                        .build());
    }

    @Override
    String call(ToolInput args) throws ToolFailure, StaleVersionException {
        String namespace = args.optionalString("namespace").orElse(null);
        PutRequest request = new PutRequest(namespace == null ? MemoryTools.DEFAULT_NAMESPACE : namespace,
                args.nonBlank("key"), "note", args.nonBlank("value"), ValueType.TEXT, args.strings("tags"),
                author,
                args.optionalLong("expected_version", 0, Long.MAX_VALUE).orElse(PutRequest.ABSENT));
        Entry stored = bank.put(request);
        return "stored " + stored.namespace() + "/" + stored.key() + " at version " + stored.version()
                + " (pass expected_version " + stored.version() + " to change it)";
    }
}
