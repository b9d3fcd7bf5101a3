package dev.munero.engine.build;

import dev.munero.engine.AtomicFiles;
import dev.munero.engine.cache.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The manifest of a null build: what lets the launcher answer the next identical {@code munero build} without
 * starting Java when nothing it depends on changed (Bazel's "null build"; Make's and Gradle's up-to-date check).
 *
 * <p>A build collects, while it runs, every path its result depends on: the build files detection read
 * ({@link Request#watched()}), each step's input files and every folder walked to find them, what git's answers
 * depend on (its index, {@code info/exclude}, every {@code .gitignore} and the folders holding listed files), each
 * step's output files, and each step's cache entry. When the build passed with every step cached or run and stored,
 * it writes {@code <state>/state/null-build/<request digest>}: the lines to print, then one entry per path with its
 * {@code lstat} data (inode, size, modification and change time in nanoseconds; for a missing path, that it is
 * missing; for a cache entry, inode and size only, as pruning by age touches it). Any other build of the same
 * request removes the manifest. Each path's data is taken the first time the build meets it: an input's before its
 * content is hashed, a folder's before it is walked, an output's right after it is stored or restored, so that a file
 * edited while the build runs shows as changed. The checker, {@code munero-cli/src/main/c/null_build.c}, compares all of it with the
 * file system and the environment, and trusts no entry whose time stamp is not older than the manifest's own (git's
 * racy-timestamp rule), so a file written in the same clock tick as the build's end sends the next build to Java.
 *
 * <p>File format (UTF-8 lines; paths absolute, never containing a newline, so none is written for such a path):
 * <pre>
 * munero-null-build 1
 * request &lt;64 hex&gt;
 * env &lt;64 hex&gt;
 * build &lt;build id&gt;
 * print &lt;text&gt;                        (zero or more; "{checked}" is the checker's own line)
 * entries &lt;count&gt;
 * f &lt;ino&gt; &lt;size&gt; &lt;mtime ns&gt; &lt;ctime ns&gt; &lt;path&gt;    a file or link
 * d &lt;ino&gt; &lt;mtime ns&gt; &lt;ctime ns&gt; &lt;path&gt;           a folder
 * e &lt;ino&gt; &lt;size&gt; &lt;path&gt;                          a cache entry that must still exist
 * a &lt;path&gt;                                         a path that must still not exist
 * end &lt;SHA-256 of every byte before this line&gt;
 * </pre>
 * The file's modification time is set to {@link Request#start()}: the checker trusts no entry whose modification or
 * change time is not older than it.
 *
 * <p>Thread-safe: steps running at once record into it; {@link #finish} runs once, after them.
 */
public final class NullBuild {
    /** The first line of every manifest; bumped when the format or the meaning of an entry changes. */
    public static final String FORMAT = "munero-null-build 1";
    /**
     * Variables left out of {@link #envDigest}: set by shells per process ({@code _}, {@code SHLVL}, {@code OLDPWD},
     * {@code PWD}, which the working directory in {@link #requestDigest} covers), set by the launcher itself
     * ({@code MUNERO_HOME}), or the launcher's own switches, which change how Munero starts, never what a build
     * produces ({@code MUNERO_DAEMON}, {@code MUNERO_NULL_BUILD}, {@code MUNERO_JAVA_OPTS}, {@code MUNERO_NO_AOT}, {@code MUNERO_NATIVE_CLIENT}).
     * The checker ({@code null_build.c}) leaves out the same list, and every name starting with one of
     * {@link #IGNORED_ENV_PREFIXES}.
     */
    public static final Set<String> IGNORED_ENV = Set.of("_", "SHLVL", "OLDPWD", "PWD", "MUNERO_HOME", "MUNERO_DAEMON",
            "MUNERO_NULL_BUILD", "MUNERO_JAVA_OPTS", "MUNERO_NO_AOT", "MUNERO_NATIVE_CLIENT");
    /**
     * Name prefixes left out of {@link #envDigest}: the variables macOS's {@code java} launcher adds to its own
     * environment with the process id in the name ({@code JAVA_MAIN_CLASS_<pid>},
     * {@code JAVA_STARTED_ON_FIRST_THREAD_<pid>}), which no shell has.
     */
    public static final List<String> IGNORED_ENV_PREFIXES = List.of("JAVA_MAIN_CLASS_", "JAVA_STARTED_ON_FIRST_THREAD_");

    /**
     * What the front end asks for.
     *
     * @param requestDigest {@link #requestDigest} of the command as typed
     * @param envDigest     {@link #envDigest} of the caller's environment
     * @param cwd           the caller's working directory, absolute (the report path is printed relative to it)
     * @param header        the lines the command printed before building, printed again by a null build
     * @param watched       further paths the result depends on: the build files detection read, the user's
     *                      configuration file, the folders from the working directory up to the root, Munero's jar
     * @param start         the file system's clock before anything was read ({@link #stamp}): becomes the manifest's
     *                      modification time, so that the checker distrusts every path changed after it
     */
    public record Request(String requestDigest, String envDigest, Path cwd, List<String> header, Collection<Path> watched,
                          FileTime start) {
        public Request {
            Objects.requireNonNull(requestDigest, "requestDigest");
            Objects.requireNonNull(envDigest, "envDigest");
            Objects.requireNonNull(start, "start");
            header = List.copyOf(header);
            watched = List.copyOf(watched);
        }
    }

    /** An entry line that stops the manifest from being written (a path that could not be read or written). */
    private static final String UNUSABLE = "";

    private final Request request;
    /**
     * Path to its entry line, taken the first time the build met the path: the stat of an input is taken before its
     * content is hashed (so an edit during the build shows as a change, never as the hashed state), that of a folder
     * before its walk, that of an output right after it was stored or restored.
     */
    private final ConcurrentHashMap<Path, String> entries = new ConcurrentHashMap<>();

    /** A collector for one build of {@code request}. */
    public NullBuild(Request request) {
        this.request = Objects.requireNonNull(request, "request");
        request.watched().forEach(this::watch);
    }

    /**
     * Records that the build's result depends on {@code path} (a file, a folder, or a path that does not exist), as it
     * is now; a path already recorded keeps its first stamp.
     */
    public void watch(Path path) {
        entries.computeIfAbsent(path.toAbsolutePath().normalize(), NullBuild::entry);
    }

    /** {@link #watch} as a consumer, for file walks. */
    public Consumer<Path> watcher() {
        return this::watch;
    }

    /** Records a cache entry that must still exist for the result to be a cache hit. */
    void cacheEntry(Path entry) {
        entries.computeIfAbsent(entry.toAbsolutePath().normalize(), NullBuild::cacheEntryLine);
    }

    /**
     * The file system's own clock now, in the folder where manifests live: the modification time of a file created
     * and removed there. Taken before the build reads anything, it is the time stamp after which the checker trusts
     * nothing (a file written during the build, even in the clock tick it was read in, shows as changed, whatever the
     * file system's time stamp granularity). Null when {@code stateDir} does not exist yet (a first build, which then
     * writes no manifest rather than create {@code .munero/} before the build is known to run) or cannot be written.
     */
    public static FileTime stamp(Path stateDir) {
        if (!Files.isDirectory(stateDir)) {
            return null;
        }
        try {
            Path dir = Files.createDirectories(stateDir.resolve("state").resolve("null-build"));
            Path probe = Files.createTempFile(dir, ".clock", ".tmp");
            try {
                return Files.getLastModifiedTime(probe);
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Where the manifest of {@code requestDigest} lives under the state folder {@code stateDir}. */
    private static Path file(Path stateDir, String requestDigest) {
        return stateDir.resolve("state").resolve("null-build").resolve(requestDigest);
    }

    /**
     * SHA-256 (lower-case hex) of {@code cwd}'s bytes, a NUL, then each argument and a NUL: the command as the
     * checker sees it (its {@code getcwd()} and {@code argv}).
     */
    public static String requestDigest(Path cwd, List<String> args) {
        MessageDigest md = Hashing.sha256();
        md.update(cwd.toString().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        for (String a : args) {
            md.update(a.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        return Hashing.hex(md.digest());
    }

    /**
     * SHA-256 (lower-case hex) of every {@code NAME=VALUE} of {@code env} except {@link #IGNORED_ENV}, as UTF-8,
     * sorted by their bytes (unsigned), each followed by a NUL. Values are never stored; the digest changes with any
     * variable, so a build that depends on one is never answered from an older environment.
     */
    public static String envDigest(Map<String, String> env) {
        List<byte[]> entries = new ArrayList<>(env.size());
        env.forEach((k, v) -> {
            if (!IGNORED_ENV.contains(k) && IGNORED_ENV_PREFIXES.stream().noneMatch(k::startsWith)) {
                entries.add((k + "=" + v).getBytes(StandardCharsets.UTF_8));
            }
        });
        entries.sort(Arrays::compareUnsigned);
        MessageDigest md = Hashing.sha256();
        for (byte[] e : entries) {
            md.update(e);
            md.update((byte) 0);
        }
        return Hashing.hex(md.digest());
    }

    /**
     * Removes the manifest of this request when the build starts, so that nothing answers from it while the build
     * changes things, and none stays after a build {@link #finish} does not write one for.
     */
    void forget(Path stateDir) {
        try {
            Files.deleteIfExists(file(stateDir, request.requestDigest()));
        } catch (IOException e) {
            // the checker still compares every stamp; a stale manifest never answers for changed files
        }
    }

    /**
     * Writes the manifest when {@code repeatable} (the build is one a null build can repeat) and every recorded path
     * could be read; otherwise there stays none ({@link #forget} removed it when the build started). Best effort: a
     * manifest that cannot be written only costs the next build its fast path.
     *
     * @param stateDir   the build's state folder ({@code .munero})
     * @param report     the build's report, written to {@code <stateDir>/reports/<id>.json}
     * @param repeatable whether the build is one a null build can repeat
     */
    void finish(Path stateDir, BuildReport report, boolean repeatable) {
        byte[] manifest = repeatable ? manifest(stateDir, report) : null;
        if (manifest == null) {
            return;
        }
        try {
            // dated the build's start: the checker trusts nothing changed after it
            AtomicFiles.write(file(stateDir, request.requestDigest()), manifest, request.start());
        } catch (IOException e) {
            // AtomicFiles left the target as it was: absent since the build started
        }
    }

    private byte[] manifest(Path stateDir, BuildReport report) {
        List<String> lines = new ArrayList<>(entries.size());
        for (Path p : new TreeSet<>(entries.keySet())) {
            String line = entries.get(p);
            if (line == UNUSABLE) {
                return null;
            }
            lines.add(line);
        }
        int steps = report.steps().size();
        Path reportFile = stateDir.resolve("reports").resolve(report.runId() + ".json");
        StringBuilder out = new StringBuilder();
        out.append(FORMAT).append('\n')
                .append("request ").append(request.requestDigest()).append('\n')
                .append("env ").append(request.envDigest()).append('\n')
                .append("build ").append(report.runId()).append('\n');
        for (String line : request.header()) {
            out.append("print ").append(line.replace('\n', ' ')).append('\n');
        }
        out.append("print {checked}\n");
        out.append("print PASSED: ").append(steps).append(" steps, 0 passed, 0 failed, ").append(steps)
                .append(" cached, 0 skipped (nothing changed since build ").append(report.runId()).append(")\n");
        out.append("print report: ").append(shown(reportFile)).append(" (build ").append(report.runId())
                .append("'s; a null build writes none)\n");
        out.append("entries ").append(lines.size()).append('\n');
        lines.forEach(e -> out.append(e).append('\n'));
        byte[] body = out.toString().getBytes(StandardCharsets.UTF_8);
        MessageDigest md = Hashing.sha256();
        md.update(body);
        byte[] end = ("end " + Hashing.hex(md.digest()) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(body, body.length + end.length);
        System.arraycopy(end, 0, all, body.length, end.length);
        return all;
    }

    private String shown(Path file) {
        Path cwd = request.cwd().toAbsolutePath().normalize();
        return file.startsWith(cwd) ? cwd.relativize(file).toString() : file.toString();
    }

    /** A cache entry's line as it is now: inode and size; {@link #UNUSABLE} when it is missing or unreadable. */
    private static String cacheEntryLine(Path p) {
        if (p.toString().contains("\n")) {
            return UNUSABLE;
        }
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:ino,size", LinkOption.NOFOLLOW_LINKS);
            return "e " + a.get("ino") + " " + a.get("size") + " " + p;
        } catch (IOException | UnsupportedOperationException e) {
            return UNUSABLE;
        }
    }

    /** The entry line for {@code p} as it is now; {@link #UNUSABLE} when it cannot be read or written. */
    private static String entry(Path p) {
        String path = p.toString();
        if (path.contains("\n")) {
            return UNUSABLE;
        }
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:ino,size,lastModifiedTime,ctime,isDirectory", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return "a " + path;
        } catch (java.nio.file.FileSystemException e) {
            // not a directory on the way (a file where a folder was): missing, as lstat's ENOTDIR says
            return e.getReason() != null && e.getReason().contains("Not a directory") ? "a " + path : UNUSABLE;
        } catch (IOException | UnsupportedOperationException e) {
            return UNUSABLE;
        }
        long mtime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
        long ctime = ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS);
        return Boolean.TRUE.equals(a.get("isDirectory"))
                ? "d " + a.get("ino") + " " + mtime + " " + ctime + " " + path
                : "f " + a.get("ino") + " " + a.get("size") + " " + mtime + " " + ctime + " " + path;
    }
}
