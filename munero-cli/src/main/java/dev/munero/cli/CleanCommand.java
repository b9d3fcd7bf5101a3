package dev.munero.cli;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Builds;
import dev.munero.engine.cache.LocalCache;
import java.io.PrintWriter;
import java.nio.file.Path;
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
                LocalCache.PruneResult r = Builds.pruneCache(dir, max);
                out.printf("cache %s: removed %d entries and %d blobs (%s); kept %d entries (%s)%n", dir, r.removedEntries(),
                        r.removedBlobs(), bytes(r.freedBlobBytes()), r.keptEntries(), bytes(r.keptBytes()));
                return ExitCodes.OK;
            }
            Builds.Snapshot ws = Builds.of(workspace.locate(invocation.cwd()), workspace.profile,
                    BuildCommand.caches(invocation)).snapshot();
            ws.warnings().forEach(w -> err.println("munero: warning: " + w));
            Builds.Cleaning c = ws.clean(dryRun, force);
            if (dryRun) {
                c.outputs().forEach(out::println);
            }
            if (!c.tracked().isEmpty()) {
                err.printf("munero: warning: kept %d output file%s git tracks (%s%s)%n", c.tracked().size(),
                        c.tracked().size() == 1 ? "" : "s", c.tracked().getFirst(), c.tracked().size() > 1 ? ", ..." : "");
            }
            out.printf(dryRun ? "would remove %2$d output files of %3$d steps (--dry-run: nothing removed)%n"
                    : "removed %1$d output files of %3$d steps%n", c.removed(), c.outputs().size(), c.steps());
            return ExitCodes.OK;
        } catch (AppException e) {
            return BuildCommand.printError(err, e);
        } catch (IllegalArgumentException e) {
            err.println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
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
