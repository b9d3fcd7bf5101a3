package dev.munero.memory.tools;

import dev.munero.agent.tools.Schema;
import dev.munero.agent.tools.ToolFailure;
import dev.munero.agent.tools.ToolInput;
import dev.munero.agent.tools.ToolKind;
import dev.munero.memory.Author;
import dev.munero.memory.Filter;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.SearchHit;
import dev.munero.memory.SearchResult;
import java.util.Locale;

/**
 * {@code memory_search}: the entries that match words, best first, each as its header and the start of its value
 * ({@value #PREVIEW_CHARS} characters; {@code memory_get} shows the rest), with the search mode (full-text or
 * hybrid) said first.
 */
final class MemorySearchTool extends MemoryTool {
    /** Characters of each hit's value shown. */
    static final int PREVIEW_CHARS = 500;
    /** Hits returned when no limit is given, and at most. */
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 50;

    MemorySearchTool(MemoryBank bank, Author author) {
        super(bank, author, MemoryTools.SEARCH, ToolKind.READ, "Search the project's shared memory bank (notes of "
                + "earlier agents and runs, lessons of failed checks) by words, best match first.",
                Schema.object()
                        .string("query", "words to look for", true)
                        .string("namespace", "only this namespace: project, run:<run id> or agent:<name>", false)
                        .stringArray("tags", "only entries with all these tags")
                        .integer("limit", "at most this many hits (default " + DEFAULT_LIMIT + ", at most "
                                + MAX_LIMIT + ")", 1)
                        .build());
    }

    @Override
    String call(ToolInput args) throws ToolFailure {
        String query = args.nonBlank("query");
        Filter filter = new Filter(args.optionalString("namespace").orElse(null), null, args.strings("tags"));
        int limit = args.optionalInt("limit", 1, MAX_LIMIT).orElse(DEFAULT_LIMIT);
        SearchResult result = bank.search(query, filter, limit);
        StringBuilder out = new StringBuilder();
        out.append(result.hits().size()).append(result.hits().size() == 1 ? " hit" : " hits").append(" (")
                .append(result.mode()).append(" search)");
        if (result.hits().isEmpty()) {
            return out.append(": nothing in the memory bank matches '").append(query).append('\'').toString();
        }
        int n = 0;
        for (SearchHit hit : result.hits()) {
            String value = hit.entry().value();
            out.append("\n\n").append(++n).append(". ").append(header(hit.entry()))
                    .append(String.format(Locale.ROOT, " score %.3g", hit.fused().orElse(hit.bm25()))).append('\n')
                    .append(value.length() <= PREVIEW_CHARS ? value : value.substring(0, PREVIEW_CHARS)
                            + " [... " + (value.length() - PREVIEW_CHARS) + " more characters: memory_get shows all]");
        }
        return out.toString();
    }
}
