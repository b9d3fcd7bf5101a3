package dev.munero.cli;

import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.StepResult;
import dev.munero.engine.build.StepStatus;
import dev.munero.engine.cache.remote.RemoteCacheReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a build on the console. On a terminal: a live progress bar (steps done/total, elapsed, ETA,
 * running steps). Elsewhere (CI, pipes): one line per finished step. Both: the log tail of each failed
 * step, streamed output with a step prefix in verbose mode, and a summary table at the end.
 *
 * <p>Thread-safe: listener calls from worker threads are serialised on this object.
 */
final class BuildConsole implements BuildListener {
    private static final int LOG_TAIL_LINES = 25;
    private final PrintStream out;
    private final Path root;
    private final boolean live;
    private final boolean summary;
    private final int columns;
    private final String targets;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger done = new AtomicInteger();
    private int total;
    private int nameWidth = 10;
    private ProgressBar bar;
    private ConsoleProgressBarConsumer consumer;
    private boolean failed;
    /** Where the user stands: paths in messages are shown relative to it (or absolute), so they work from there. */
    private Path cwd;

    /**
     * @param out     where to print
     * @param root    repository root, to resolve log paths
     * @param live    draw a live progress bar (terminal only)
     * @param summary print the summary table at the end
     * @param columns the terminal's width in columns; 0 when unknown (the progress bar asks the terminal)
     * @param targets what was asked for, in words ({@code build}, {@code test in packages/b}), for the summary
     */
    BuildConsole(PrintStream out, Path root, boolean live, boolean summary, int columns, String targets) {
        this.out = out;
        this.root = root;
        this.live = live;
        this.summary = summary;
        this.columns = columns;
        this.targets = targets;
        this.cwd = root;
    }

    /** Shows paths relative to {@code userDir} (the user's working directory) instead of the root; returns this. */
    BuildConsole shownFrom(Path userDir) {
        this.cwd = userDir;
        return this;
    }

    @Override
    public synchronized void buildStarted(String runId, int total, List<String> order) {
        this.total = total;
        this.nameWidth = Math.min(48, Math.max(10, order.stream().mapToInt(String::length).max().orElse(10)));
        if (live && total > 0) {
            // one column short of the width: a line that fills the last column makes some terminals wrap, and the
            // next redraw (a carriage return) would then leave the wrapped line behind
            // (without a width, the library asks the terminal on every redraw, following resizes)
            consumer = columns > 0 ? new ConsoleProgressBarConsumer(out, columns - 1) : new ConsoleProgressBarConsumer(out);
            bar = new ProgressBarBuilder().setTaskName("munero").setInitialMax(total).setStyle(ProgressBarStyle.UNICODE_BLOCK)
                    .setUpdateIntervalMillis(200).continuousUpdate().setConsumer(consumer).build();
        }
    }

    @Override
    public void stepStarted(String step) {
        running.add(step);
        updateBar();
    }

    @Override
    public synchronized void stepOutput(String step, String line) {
        printAboveBar(String.format("%-" + nameWidth + "s | %s", step, line));
    }

    @Override
    public synchronized void stepFinished(StepResult r) {
        running.remove(r.name());
        int n = done.incrementAndGet();
        boolean ok = r.status() == StepStatus.PASSED || r.status() == StepStatus.CACHED;
        failed |= r.status() == StepStatus.FAILED || r.status() == StepStatus.CANCELLED;
        if (bar != null) {
            // the bar counts steps that succeeded, so a failed build never reaches 100%: after a failure, a
            // skipped step is one that could not run
            if (ok || (!failed && r.status() == StepStatus.SKIPPED)) {
                bar.step();
            }
            updateBar();
        }
        if (!live) {
            // plain concatenation: String.format costs too much per line in a short-lived JVM
            StringBuilder line = new StringBuilder(120).append('[');
            pad(line, Integer.toString(n), Integer.toString(total).length(), true).append('/').append(total).append("] ");
            pad(line, status(r), 9, false).append(' ');
            pad(line, r.name(), nameWidth, false).append(' ');
            pad(line, duration(r.durationMillis()), 8, true).append("  ");
            line.append(r.reasons().isEmpty() ? ""
                    : r.status() == StepStatus.FAILED ? r.reasons().get(r.reasons().size() - 1) : r.reasons().get(0));
            out.println(line);
        }
        if (r.status() == StepStatus.FAILED) {
            printAboveBar(failureText(r));
        }
    }

    @Override
    public synchronized void warning(String message) {
        printAboveBar("munero: warning: " + message);
    }

    @Override
    public synchronized void buildFinished(BuildReport report) {
        if (bar != null) {
            if (report.status() != dev.munero.engine.build.BuildStatus.PASSED) {
                if (bar.getCurrent() >= total) { // every step passed, but a verify artifact is missing
                    bar.stepTo(total - 1);
                }
                bar.setExtraMessage(report.status().name());
            } else {
                bar.setExtraMessage("");
            }
            bar.close();
            bar = null;
        }
        if (summary) {
            out.print(summaryText(report));
        }
        out.flush();
    }

    private void updateBar() {
        ProgressBar b = bar;
        if (b != null) {
            List<String> names = new ArrayList<>(running);
            String msg = names.isEmpty() ? "" : "running: " + String.join(", ", names.subList(0, Math.min(3, names.size())))
                    + (names.size() > 3 ? " +" + (names.size() - 3) : "");
            // the bar needs about 45 columns ("munero 100% │█████│ 12/12 (0:00:01 / 0:00:00) "); the message
            // gets what is left, so that the whole line fits the terminal (nothing below 12 columns)
            int room = Math.min(60, consumer.getMaxRenderedLength() + 1 - 50);
            b.setExtraMessage(msg.length() <= room ? msg : room < 12 ? "" : msg.substring(0, room - 3) + "...");
        }
    }

    private void printAboveBar(String text) {
        if (bar != null) {
            out.print("\r\033[K");
        }
        out.println(text);
        if (bar != null) {
            bar.refresh();
        }
    }

    private String failureText(StepResult r) {
        StringBuilder sb = new StringBuilder();
        // the last reason says how it failed; the earlier ones say why it ran
        sb.append("munero: ").append(r.name()).append(" FAILED: ")
                .append(r.reasons().isEmpty() ? "see its log" : r.reasons().get(r.reasons().size() - 1));
        if (r.logFile() != null) {
            Path log = root.resolve(r.logFile());
            sb.append(System.lineSeparator()).append("--- last lines of ").append(RunDriver.shown(cwd, log)).append(" ---");
            try {
                List<String> lines = Files.readAllLines(log);
                for (String l : lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())) {
                    sb.append(System.lineSeparator()).append("  ").append(l);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                sb.append(System.lineSeparator()).append("  (log unreadable: ").append(e.getMessage()).append(')');
            }
            sb.append(System.lineSeparator()).append("---");
        }
        return sb.toString();
    }

    /** The end-of-build table: each step with status and duration, then totals. */
    String summaryText(BuildReport report) {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder(nl);
        int w = Math.max(4, report.steps().stream().mapToInt(s -> s.name().length()).max().orElse(4));
        int sw = Math.max(9, report.steps().stream().mapToInt(s -> status(s).length()).max().orElse(9));
        pad(pad(sb, "STEP", w, false).append("  "), "STATUS", sw, false).append("  ");
        pad(sb, "DURATION", 9, true).append(nl);
        for (StepResult r : report.steps()) {
            pad(pad(sb, r.name(), w, false).append("  "), status(r), sw, false).append("  ");
            pad(sb, duration(r.durationMillis()), 9, true).append(nl);
        }
        BuildReport.Counts c = report.counts();
        sb.append(nl).append("targets: ").append(targets).append(" (").append(c.total()).append(" steps)").append(nl);
        sb.append(String.format(Locale.ROOT, "%s in %s: %d steps, %d passed, %d failed, %d cached%s, %d skipped%s",
                report.status(), duration(report.durationMillis()), c.total(), c.passed(), c.failed(), c.cached(),
                c.cachedRemote() > 0 ? " (" + c.cachedRemote() + " remote)" : "",
                c.skipped(), c.cancelled() > 0 ? ", " + c.cancelled() + " cancelled" : "")).append(nl);
        RemoteCacheReport remote = report.remoteCache();
        if (remote != null) {
            sb.append(String.format(Locale.ROOT, "remote cache %s (%s, %s): %d hit%s, %s downloaded; %d upload%s, %s uploaded%s",
                    remote.url(), remote.protocol(), remote.mode(), remote.hits(), remote.hits() == 1 ? "" : "s",
                    bytes(remote.downloadedBytes()), remote.uploads(), remote.uploads() == 1 ? "" : "s",
                    bytes(remote.uploadedBytes()), remote.unfinishedUploads() > 0
                            ? "; " + remote.unfinishedUploads() + " unfinished" : "")).append(nl);
        }
        sb.append(String.format(Locale.ROOT, "cache hit rate %.0f%%, critical path %s: %s", report.cacheHitRate() * 100,
                duration(report.criticalPathMillis()), abbreviate(report.criticalPath()))).append(nl);
        for (String missing : report.verifyMissing()) {
            sb.append("verify: missing artifact ").append(missing).append(nl);
        }
        sb.append("report: ").append(RunDriver.shown(cwd, root.resolve(".munero/reports/" + report.runId() + ".json"))).append(nl);
        return sb.toString();
    }

    /** A step's status as shown: {@code CACHED (remote)} for a step restored from the remote cache (issue 16). */
    static String status(StepResult r) {
        return r.remoteHit() ? "CACHED (remote)" : r.status().name();
    }

    /** A byte count for people: {@code 512 B}, {@code 12.3 KB}, {@code 4.5 MB} (powers of 1,000). */
    static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f KB", n / 1e3);
        }
        return n < 1_000_000_000 ? String.format(Locale.ROOT, "%.1f MB", n / 1e6) : String.format(Locale.ROOT, "%.2f GB", n / 1e9);
    }

    private static StringBuilder pad(StringBuilder sb, String text, int width, boolean right) {
        if (right) {
            sb.repeat(' ', Math.max(0, width - text.length())).append(text);
        } else {
            sb.append(text).repeat(' ', Math.max(0, width - text.length()));
        }
        return sb;
    }

    private static String abbreviate(List<String> path) {
        if (path.size() <= 6) {
            return String.join(" -> ", path);
        }
        return String.join(" -> ", path.subList(0, 3)) + " -> ... (" + (path.size() - 5) + " more) -> "
                + String.join(" -> ", path.subList(path.size() - 2, path.size()));
    }

    static String duration(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.2fs", millis / 1000.0);
        }
        return String.format(Locale.ROOT, "%dm%02ds", millis / 60_000, (millis / 1000) % 60);
    }
}
