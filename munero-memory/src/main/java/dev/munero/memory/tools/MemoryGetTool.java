package dev.munero.memory.tools;

import dev.munero.agent.tools.Schema;
import dev.munero.agent.tools.ToolFailure;
import dev.munero.agent.tools.ToolInput;
import dev.munero.agent.tools.ToolKind;
import dev.munero.memory.Author;
import dev.munero.memory.Entry;
import dev.munero.memory.MemoryBank;

/** {@code memory_get}: one entry of the memory bank in full — its header (version, author, tags) and value. */
final class MemoryGetTool extends MemoryTool {
    MemoryGetTool(MemoryBank bank, Author author) {
        super(bank, author, MemoryTools.GET, ToolKind.READ, "Read one entry of the memory bank in full: its value, "
                + "version (pass it to memory_store as expected_version to change it), author and tags.",
                Schema.object()
                        .string("key", "the entry's key", true)
                        .string("namespace", "project (default), run:<run id> or agent:<name>", false)
                        .build());
    }

    @Override
    String call(ToolInput args) throws ToolFailure {
        String namespace = args.optionalString("namespace").orElse(null);
        String ns = namespace == null ? MemoryTools.DEFAULT_NAMESPACE : namespace;
        String key = args.nonBlank("key");
        return bank.get(ns, key).map(e -> header(e) + "\n" + e.value())
                .orElse("no entry " + ns + "/" + key + " in the memory bank; memory_search finds entries by words");
    }
}
