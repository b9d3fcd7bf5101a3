package dev.munero.cli;

import dev.munero.engine.Workspace;
import dev.munero.engine.cache.FileSets;
import dev.munero.engine.cache.GitFiles;
import dev.munero.engine.cache.LocalCache;
import dev.munero.engine.config.StepSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code munero clean}: removes declared outputs, or prunes the cache. */
@Command(name = "clean", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Remove the files matched by the steps' declared outputs, never a file git tracks; with --cache, "
                + "prune the cache instead.", ""})
final class CleanCommand implements Callable<Integer> {
    private final Invocation invocation;

    CleanCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    private static final Pattern SIZE = Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?\\s*");

    @Spec
    CommandSpec spec;

    @Mixin
    WorkspaceOptions workspace;

    @Option(names = "--cache", description = "Prune the cache (least recently used first) instead of removing outputs.")
    boolean cache;

    @Option(names = "--max-size", paramLabel = "SIZE",
            description = "With --cache: keep at most SIZE (e.g. 500MiB, 2GiB); default 0 empties the cache.")
    String maxSize;

    @Option(names = "--dry-run", description = "List the files that would be removed; remove nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Outside a git work tree, remove outputs although Munero cannot tell "
            + "which files are yours (inside git, tracked files are always kept).")
    boolean force;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Cache directory (default: .munero/cache).")
    Path cacheDir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxSize != null && !cache) {
            err.println("munero: error: --max-size only applies with --cache");
            return ExitCodes.USAGE;
        }
        if (cache && (dryRun || force)) {
            err.println("munero: error: --dry-run and --force apply to removing outputs, not to --cache");
            return ExitCodes.USAGE;
        }
        try {
            if (cache) {
                long max = maxSize == null ? 0 : parseSize(maxSize);
                Path dir = cacheDir != null ? cacheDir.toAbsolutePath().normalize() : workspace.root(invocation.cwd()).resolve(".munero/cache");
                LocalCache.PruneResult r = new LocalCache(dir).prune(max);
                out.printf("cache %s: removed %d entries and %d blobs (%s); kept %d entries (%s)%n", dir, r.removedEntries(),
                        r.removedBlobs(), bytes(r.freedBlobBytes()), r.keptEntries(), bytes(r.keptBytes()));
                return ExitCodes.OK;
            }
            Workspace ws = workspace.open(invocation, err);
            if (ws == null) {
                return ExitCodes.USAGE;
            }
            Path root = ws.project().root();
            GitFiles git = GitFiles.snapshot(root);
            if (!git.inGit() && !dryRun && !force) {
                err.println("munero: error: " + root + " is not in a git work tree (" + git.why() + "), so Munero cannot "
                        + "tell your files from build outputs; see what would go with 'munero clean --dry-run', then "
                        + "remove it with 'munero clean --force'");
                return ExitCodes.USAGE;
            }
            java.util.TreeSet<String> remove = new java.util.TreeSet<>();
            java.util.TreeSet<String> tracked = new java.util.TreeSet<>();
            for (StepSpec s : ws.graph().steps()) {
                if (s.outputs().isEmpty()) {
                    continue;
                }
                for (String rel : FileSets.expand(root, s.cwd(), s.outputs(), List.of())) {
                    // issue 9.2: a file git tracks is never an output to delete, whatever a glob says
                    (git.isTracked(rel) ? tracked : remove).add(rel);
                }
            }
            int files = 0;
            if (dryRun) {
                remove.forEach(out::println);
            } else {
                for (String rel : remove) {
                    if (Files.deleteIfExists(root.resolve(rel))) {
                        files++;
                    }
                }
            }
            if (!tracked.isEmpty()) {
                err.printf("munero: warning: kept %d output file%s git tracks (%s%s)%n", tracked.size(),
                        tracked.size() == 1 ? "" : "s", tracked.first(), tracked.size() > 1 ? ", ..." : "");
            }
            out.printf(dryRun ? "would remove %2$d output files of %3$d steps (--dry-run: nothing removed)%n"
                    : "removed %1$d output files of %3$d steps%n", files, remove.size(), ws.graph().size());
            return ExitCodes.OK;
        } catch (IllegalArgumentException e) {
            err.println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("munero: error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    /**
     * Parses {@code 2GiB}, {@code 500MB}, {@code 1024}: binary multiples for every unit (K = KiB).
     *
     * @throws IllegalArgumentException when the text is not a size
     */
    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("--max-size '" + text + "' is not a size; write e.g. 500MiB or 2GiB");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long mult = switch (unit.charAt(0)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            case 't' -> 1L << 40;
            default -> 1;
        };
        return (long) (n * mult);
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
