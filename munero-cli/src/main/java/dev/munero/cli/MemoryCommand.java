package dev.munero.cli;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Memory;
import dev.munero.core.events.RunEvents;
import dev.munero.memory.Author;
import dev.munero.memory.ExportReport;
import dev.munero.memory.Filter;
import dev.munero.memory.ImportReport;
import dev.munero.memory.MemoryStats;
import dev.munero.memory.PutRequest;
import dev.munero.memory.ValueType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code munero memory search|list|show|put|delete|export|import|stats}: the repository's memory bank (issue 14), in
 * {@code .munero/munero.db} with its runs, through {@link Memory}. Every subcommand prints JSON with {@code --json}.
 */
@Command(name = "memory", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Search, read, write, export and import the memory bank: the notes agents of munero run and "
                + "users store, and the lessons of failed checks, kept in .munero/munero.db.", ""},
        subcommands = {MemoryCommand.Search.class, MemoryCommand.ListEntries.class, MemoryCommand.Show.class,
                MemoryCommand.Put.class, MemoryCommand.Delete.class, MemoryCommand.Export.class,
                MemoryCommand.Import.class, MemoryCommand.Stats.class},
        footer = {"", "Exit codes: 0 ok, 1 the database or a directory failed, 2 usage error (no such entry, no "
                + "database, bad input, a stale --expected-version)."})
final class MemoryCommand implements Runnable {
    static final String DEFAULT_NAMESPACE = "project";

    final Invocation invocation;

    MemoryCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The work around each subcommand: open the memory bank, run. */
    abstract static class Common extends RepoSubcommand {
        @picocli.CommandLine.ParentCommand
        MemoryCommand parent;

        @Override
        Invocation invocation() {
            return parent.invocation;
        }

        /** Whether the subcommand makes the database when absent (it writes). */
        boolean creates() {
            return false;
        }

        @Override
        final int run() {
            try (Memory memory = Memory.open(repo(), Clock.systemUTC(), creates(), invocation().env())) {
                work(memory, invocation().out());
                return ExitCodes.OK;
            }
        }

        abstract void work(Memory memory, PrintStream out);

        void printJson(PrintStream out, Object value) {
            out.println(RunEvents.JSON.writeValueAsString(value));
        }

        Path path(Path given) {
            return invocation().cwd().resolve(given).toAbsolutePath().normalize();
        }
    }

    /** The filter options of search and list. */
    abstract static class Filtered extends Common {
        @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
                description = "Only this namespace: project, run:ID or agent:NAME (default: all).")
        String namespace;

        @Option(names = "--kind", paramLabel = "KIND", description = "Only this kind, e.g. note or lesson.")
        String kind;

        @Option(names = "--tag", paramLabel = "TAG", description = "Only entries with this tag (repeatable: all).")
        List<String> tags = new ArrayList<>();

        Filter filter() {
            try {
                return new Filter(namespace, kind, tags);
            } catch (IllegalArgumentException e) {
                throw AppException.invalid(e.getMessage());
            }
        }
    }

    @Command(name = "search", mixinStandardHelpOptions = true,
            description = "Entries matching words, best first (full-text bm25, or hybrid when embeddings are "
                    + "configured).")
    static final class Search extends Filtered {
        @Parameters(paramLabel = "WORDS", arity = "1..*", description = "What to look for.")
        List<String> words;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "10",
                description = "At most N hits (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        void work(Memory memory, PrintStream out) {
            Memory.Found found = memory.search(String.join(" ", words), filter(), limit);
            if (json) {
                printJson(out, found);
                return;
            }
            out.println(found.hits().size() + (found.hits().size() == 1 ? " hit" : " hits") + " (" + found.mode()
                    + " search)");
            if (found.note() != null) {
                out.println("note: " + found.note());
            }
            int n = 0;
            for (Memory.Hit h : found.hits()) {
                out.printf(Locale.ROOT, "%3d. %s  score %.3g%n     %s%n", ++n, header(h.entry()),
                        h.fused() != null ? h.fused() : h.bm25(), firstLine(h.entry().value()));
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List entries by namespace and key.")
    static final class ListEntries extends Filtered {
        @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
                description = "At most N entries (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        void work(Memory memory, PrintStream out) {
            List<Memory.Item> items = memory.list(filter(), limit);
            if (json) {
                printJson(out, items);
                return;
            }
            if (items.isEmpty()) {
                out.println("no memory entries" + (namespace != null || kind != null || !tags.isEmpty()
                        ? " match" : " yet; store one with munero memory put KEY VALUE"));
                return;
            }
            out.printf(Locale.ROOT, "%-14s %-40s %-8s %4s  %-20s %s%n", "NAMESPACE", "KEY", "KIND", "VER",
                    "UPDATED", "TAGS");
            for (Memory.Item e : items) {
                out.printf(Locale.ROOT, "%-14s %-40s %-8s %4d  %-20s %s%n", e.namespace(), e.key(), e.kind(),
                        e.version(), e.updatedAt().toString().substring(0, 19).replace('T', ' '),
                        String.join(", ", e.tags()));
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one entry in full.")
    static final class Show extends Common {
        @Parameters(paramLabel = "KEY", description = "The entry's key.")
        String key;

        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = DEFAULT_NAMESPACE,
                description = "Its namespace (default: ${DEFAULT-VALUE}).")
        String namespace;

        @Override
        void work(Memory memory, PrintStream out) {
            Memory.Item e = memory.show(namespace, key);
            if (json) {
                printJson(out, e);
                return;
            }
            out.println(header(e));
            out.println("  created " + e.createdAt() + ", updated " + e.updatedAt());
            out.println();
            out.println(e.value());
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = {"Store an entry. A new key only, unless --expected-version names the version you read "
                    + "(munero memory show), or --force replaces whatever is there."})
    static final class Put extends Common {
        @Parameters(index = "0", paramLabel = "KEY", description = "The entry's key.")
        String key;

        @Parameters(index = "1", paramLabel = "VALUE", arity = "0..1", description = "The value (or --file).")
        String value;

        @Option(names = "--file", paramLabel = "FILE", description = "Read the value from FILE (UTF-8).")
        Path file;

        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = DEFAULT_NAMESPACE,
                description = "project, run:ID or agent:NAME (default: ${DEFAULT-VALUE}).")
        String namespace;

        @Option(names = "--kind", paramLabel = "KIND", defaultValue = "note",
                description = "What it is, a lower-case word (default: ${DEFAULT-VALUE}).")
        String kind;

        @Option(names = "--tag", paramLabel = "TAG", description = "A tag (repeatable).")
        List<String> tags = new ArrayList<>();

        @Option(names = "--json-value", description = "The value is a JSON document (checked).")
        boolean jsonValue;

        @Option(names = "--expected-version", paramLabel = "N",
                description = "Write only if the entry is at version N (0: only if absent, the default).")
        Long expectedVersion;

        @Option(names = "--force", description = "Replace the entry at whatever version it is.")
        boolean force;

        @Override
        boolean creates() {
            return true;
        }

        @Override
        void work(Memory memory, PrintStream out) {
            if ((value == null) == (file == null)) {
                throw AppException.invalid("give the value as VALUE or with --file FILE (one of them)");
            }
            if (force && expectedVersion != null) {
                throw AppException.invalid("--force and --expected-version cannot be used together");
            }
            String text = value != null ? value : read(path(file));
            long expected = force ? PutRequest.ANY : expectedVersion == null ? PutRequest.ABSENT : expectedVersion;
            PutRequest request;
            try {
                request = new PutRequest(namespace, key, kind, text, jsonValue ? ValueType.JSON : ValueType.TEXT, tags,
                        user(invocation()), expected);
            } catch (IllegalArgumentException e) {
                throw AppException.invalid(e.getMessage());
            }
            Memory.Item stored = memory.put(request);
            if (json) {
                printJson(out, stored);
                return;
            }
            out.println("stored " + stored.namespace() + "/" + stored.key() + " at version " + stored.version());
        }

        private static String read(Path file) {
            try {
                return FileErrors.read(file, "the value file");
            } catch (IllegalArgumentException e) {
                throw AppException.invalid(e.getMessage());
            }
        }
    }

    /**
     * Who writes from the command line: {@code user:<name>} from {@code USER} (else {@code LOGNAME}), as REST writes
     * are {@code api:<token name>}; no recorded author when neither is set.
     */
    private static Author user(Invocation invocation) {
        String name = invocation.env().getOrDefault("USER", invocation.env().get("LOGNAME"));
        return name == null || name.isBlank() ? Author.NONE : new Author("user:" + name, null, null);
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an entry.")
    static final class Delete extends Common {
        @Parameters(paramLabel = "KEY", description = "The entry's key.")
        String key;

        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = DEFAULT_NAMESPACE,
                description = "Its namespace (default: ${DEFAULT-VALUE}).")
        String namespace;

        @Option(names = "--expected-version", paramLabel = "N",
                description = "Delete only if the entry is at version N (default: at any version).")
        Long expectedVersion;

        @Override
        void work(Memory memory, PrintStream out) {
            memory.delete(namespace, key, expectedVersion == null ? PutRequest.ANY : expectedVersion);
            if (json) {
                printJson(out, RunEvents.JSON.createObjectNode().put("namespace", namespace).put("key", key)
                        .put("deleted", true));
                return;
            }
            out.println("deleted " + namespace + "/" + key);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write every entry to DIR as one Markdown file (YAML front matter, then the value).")
    static final class Export extends Common {
        @Parameters(paramLabel = "DIR", description = "The directory (made when absent).")
        Path dir;

        @Override
        void work(Memory memory, PrintStream out) {
            ExportReport report = memory.exportTo(path(dir));
            if (json) {
                ObjectNode o = RunEvents.JSON.createObjectNode().put("directory", report.directory().toString());
                o.putArray("files");
                report.files().forEach(f -> o.withArray("files").add(f.toString()));
                printJson(out, o);
                return;
            }
            out.println("exported " + report.files().size() + " entr" + (report.files().size() == 1 ? "y" : "ies")
                    + " to " + RunDriver.shown(invocation(), report.directory()));
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Read the Markdown entry files under DIR (as export writes them); an older version never "
                    + "replaces a newer one.")
    static final class Import extends Common {
        @Parameters(paramLabel = "DIR", description = "The directory.")
        Path dir;

        @Override
        boolean creates() {
            return true;
        }

        @Override
        void work(Memory memory, PrintStream out) {
            ImportReport report = memory.importFrom(path(dir));
            if (json) {
                ObjectNode o = RunEvents.JSON.createObjectNode().put("created", report.created())
                        .put("updated", report.updated()).put("unchanged", report.unchanged());
                o.putArray("skipped");
                for (ImportReport.Skipped s : report.skipped()) {
                    o.withArray("skipped").addObject().put("file", s.file().toString())
                            .put("namespace", s.namespace()).put("key", s.key()).put("file_version", s.fileVersion())
                            .put("stored_version", s.storedVersion()).put("reason", s.reason());
                }
                printJson(out, o);
                return;
            }
            out.println("imported " + RunDriver.shown(invocation(), path(dir)) + ": " + report.created() + " created, "
                    + report.updated() + " updated, " + report.unchanged() + " unchanged, " + report.skipped().size()
                    + " skipped");
            for (ImportReport.Skipped s : report.skipped()) {
                out.println("  skipped " + s.file() + ": " + s.namespace() + "/" + s.key() + " version "
                        + s.fileVersion() + " (" + s.reason() + ", version " + s.storedVersion() + ")");
            }
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Entries by namespace and kind, their size, and the search mode.")
    static final class Stats extends Common {
        @Override
        void work(Memory memory, PrintStream out) {
            MemoryStats s = memory.stats();
            if (json) {
                printJson(out, s);
                return;
            }
            out.println(s.entries() + " entr" + (s.entries() == 1 ? "y" : "ies") + ", " + s.valueChars()
                    + " characters of values; search: " + s.searchMode());
            s.byNamespace().forEach((ns, n) -> out.println("  namespace " + ns + ": " + n));
            s.byKind().forEach((k, n) -> out.println("  kind " + k + ": " + n));
        }
    }

    /** {@code project/KEY (note, version 2, by agent agent-1, task t, run r) tags: a, b}. */
    static String header(Memory.Item e) {
        return e.namespace() + "/" + e.key() + " (" + e.kind() + ", version " + e.version() + ", by "
                + e.author().describe() + ")" + (e.tags().isEmpty() ? "" : " tags: " + String.join(", ", e.tags()));
    }

    private static String firstLine(String value) {
        String line = value.strip().lines().findFirst().orElse("");
        return line.length() <= 100 ? line : line.substring(0, 100) + "…";
    }
}
