package dev.munero.engine.cache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * What git knows about the files under a directory at one moment: which files it tracks, and which
 * files it ignores. Munero uses it so that it never deletes, overwrites or restores over a tracked file
 * (issue 9.2) and so that the default inputs of a step are the files git does not ignore, as Turborepo
 * hashes them (issue 9.5).
 *
 * <p>Sources (a real {@code git} child process, run in {@code dir}, paths relative to {@code dir}):
 * <ul>
 *   <li>{@code git ls-files -z -t -c -o --exclude-standard --exclude=node_modules/}: the tracked files (tag {@code H}, {@code S},
 *       {@code M}, ...) and the untracked files git does not ignore (tag {@code ?});</li>
 *   <li>{@code git ls-files -z -o -i --exclude-standard --exclude=node_modules/ --directory}: the ignored untracked files, a wholly
 *       ignored directory as one {@code dir/} entry;</li>
 *   <li>{@code git check-ignore -z --stdin}, lazily, for files that appeared after the snapshot (a step's
 *       new files), one call per batch, remembered.</li>
 * </ul>
 * Ignore rules are git's: {@code .gitignore} files, {@code .git/info/exclude} and {@code core.excludesFile}
 * (git-ls-files(1), gitignore(5)). A tracked file is never ignored, whatever the patterns say.
 *
 * <p>Outside a git work tree, or without git, {@link #inGit()} is false: nothing is tracked, nothing is
 * ignored, and {@link #why()} says why.
 *
 * <p>Thread-safe: the snapshot is immutable; the memo of later answers is a concurrent map.
 */
public final class GitFiles {
    private final boolean inGit;
    private final String why;
    private final Path dir;
    private final Set<String> tracked;
    private final Set<String> visible;
    private final Set<String> ignoredFiles;
    private final Set<String> ignoredDirs;
    private final ConcurrentHashMap<String, Boolean> lateIgnored = new ConcurrentHashMap<>();

    private GitFiles(boolean inGit, String why, Path dir, Set<String> tracked, Set<String> visible,
                     Set<String> ignoredFiles, Set<String> ignoredDirs) {
        this.inGit = inGit;
        this.why = why;
        this.dir = dir;
        this.tracked = tracked;
        this.visible = visible;
        this.ignoredFiles = ignoredFiles;
        this.ignoredDirs = ignoredDirs;
    }

    /** A view for a directory outside git: nothing tracked, nothing ignored. */
    public static GitFiles none(Path dir, String why) {
        return new GitFiles(false, why, dir, Set.of(), Set.of(), Set.of(), Set.of());
    }

    /**
     * Ignored as well, whatever the ignore files say: Munero never hashes {@code node_modules} (see {@link FileSets}),
     * and a repository without a {@code .gitignore} for it would otherwise list every installed file.
     */
    private static final String NEVER_INPUTS = "--exclude=node_modules/";

    /** A loaded view and the stamps that tell whether it still holds. */
    private record Memo(GitFiles files, dev.munero.engine.FileStamps stamps) {
    }

    private static final int MEMO_SIZE = 16;
    private static final ConcurrentHashMap<Path, Memo> MEMO = new ConcurrentHashMap<>();

    /**
     * Like {@link #load}, reusing the view loaded earlier in this process while nothing that could change git's
     * answers changed: the same {@link dev.munero.engine.FileStamps} for the git index, {@code info/exclude},
     * every {@code .gitignore} and every directory holding a listed path (a new file or {@code .gitignore}
     * changes its directory's stamp). Files created since are asked about lazily, see {@link #notIgnored}.
     * A change to the global {@code core.excludesFile} alone is not noticed until another stamp changes.
     * So a build, and the daemon's next build of an unchanged tree, start at most one pair of git processes.
     *
     * @param dir an absolute directory
     * @return the view, see {@link #load}
     */
    public static GitFiles snapshot(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Memo m = MEMO.get(abs);
        if (m != null && m.stamps().unchanged()) {
            return m.files();
        }
        GitFiles files = load(abs);
        if (MEMO.size() >= MEMO_SIZE) {
            MEMO.clear();
        }
        MEMO.put(abs, new Memo(files, dev.munero.engine.FileStamps.take(files.watched())));
        return files;
    }

    /**
     * The paths whose time stamps tell whether git's answers may have changed (see {@link #snapshot}): the index,
     * {@code info/exclude}, every {@code .gitignore} and every folder holding a listed path; absolute.
     */
    public List<Path> watched() {
        Set<Path> paths = new HashSet<>();
        paths.add(dir);
        gitDir(dir).ifPresent(g -> {
            paths.add(g.resolve("index"));
            paths.add(g.resolve("info").resolve("exclude"));
            try {
                Path common = g.resolve("commondir");
                if (Files.isRegularFile(common)) {
                    paths.add(g.resolve(Files.readString(common).strip()).normalize().resolve("info").resolve("exclude"));
                }
            } catch (IOException e) {
                paths.add(g.resolve("commondir"));
            }
        });
        for (Set<String> set : List.of(visible, ignoredFiles, ignoredDirs)) {
            for (String rel : set) {
                for (int i = rel.lastIndexOf('/'); i > 0 && paths.add(dir.resolve(rel.substring(0, i))); ) {
                    i = rel.lastIndexOf('/', i - 1); // every ancestor: a new .gitignore can appear in any of them
                }
                if (rel.endsWith(".gitignore")) {
                    paths.add(dir.resolve(rel));
                }
            }
        }
        return new ArrayList<>(paths);
    }

    /** The index file of the git work tree holding {@code dir} (what {@code git add} changes), if any. */
    public static Optional<Path> indexFile(Path dir) {
        return gitDir(dir.toAbsolutePath().normalize()).map(g -> g.resolve("index"));
    }

    /** The git directory of the work tree holding {@code dir}: the first {@code .git} upward (a file points on). */
    private static Optional<Path> gitDir(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            Path dotGit = p.resolve(".git");
            if (Files.isDirectory(dotGit)) {
                return Optional.of(dotGit);
            }
            if (Files.isRegularFile(dotGit)) {
                try {
                    String line = Files.readString(dotGit).strip();
                    if (line.startsWith("gitdir:")) {
                        return Optional.of(p.resolve(line.substring(7).strip()).normalize());
                    }
                } catch (IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Asks git about every file under {@code dir} (two {@code git ls-files} processes).
     *
     * @param dir an absolute directory; the paths of the view are relative to it, with {@code /} separators
     * @return the view; {@link #inGit()} false when {@code dir} is not in a git work tree or git cannot run
     */
    public static GitFiles load(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        CompletableFuture<Result> ignoredRun = CompletableFuture.supplyAsync(
                () -> git(abs, null, "ls-files", "-z", "-o", "-i", "--exclude-standard", NEVER_INPUTS, "--directory"),
                Thread::startVirtualThread);
        Result listed = git(abs, null, "ls-files", "-z", "-t", "-c", "-o", "--exclude-standard", NEVER_INPUTS);
        Result ignored = ignoredRun.join();
        Optional<String> failure = listed.failure().or(ignored::failure);
        if (failure.isPresent()) {
            return none(abs, failure.get());
        }
        Set<String> tracked = new HashSet<>();
        Set<String> visible = new HashSet<>();
        for (String entry : split(listed.stdout())) {
            if (entry.length() < 3) {
                continue;
            }
            String path = entry.substring(2);
            visible.add(path);
            if (entry.charAt(0) != '?') {
                tracked.add(path);
            }
        }
        Set<String> ignoredFiles = new HashSet<>();
        Set<String> ignoredDirs = new HashSet<>();
        for (String entry : split(ignored.stdout())) {
            if (entry.endsWith("/")) {
                ignoredDirs.add(entry.substring(0, entry.length() - 1));
            } else {
                ignoredFiles.add(entry);
            }
        }
        return new GitFiles(true, "", abs, Set.copyOf(tracked), Set.copyOf(visible), Set.copyOf(ignoredFiles),
                Set.copyOf(ignoredDirs));
    }

    /** Whether the directory is in a git work tree that git could read. */
    public boolean inGit() {
        return inGit;
    }

    /** Why {@link #inGit()} is false (git's own first line, or that git could not start); empty when in git. */
    public String why() {
        return why;
    }

    /** The directory the paths are relative to. */
    public Path dir() {
        return dir;
    }

    /** Whether git tracks {@code rel} (a path relative to {@link #dir()}, {@code /} separators). */
    public boolean isTracked(String rel) {
        return tracked.contains(rel);
    }

    /** The tracked paths, relative to {@link #dir()}; unmodifiable. */
    public Set<String> tracked() {
        return tracked;
    }

    /**
     * The paths among {@code rels} that git does not ignore, in their order. A path the snapshot does not
     * know (created after it) is asked about with one {@code git check-ignore} for the whole batch; when that
     * fails, it counts as not ignored (hashing one file too many costs a cache miss, never a wrong hit).
     */
    public List<String> notIgnored(Collection<String> rels) {
        if (!inGit) {
            return List.copyOf(rels);
        }
        List<String> unknown = new ArrayList<>();
        for (String rel : rels) {
            if (!visible.contains(rel) && !ignoredFiles.contains(rel) && !underIgnoredDir(rel)
                    && !lateIgnored.containsKey(rel) && !underTracked(rel)) {
                unknown.add(rel);
            }
        }
        if (!unknown.isEmpty()) {
            Set<String> ignored = checkIgnore(unknown);
            unknown.forEach(u -> lateIgnored.put(u, ignored.contains(u)));
        }
        List<String> out = new ArrayList<>(rels.size());
        for (String rel : rels) {
            boolean ignored = !visible.contains(rel) && (ignoredFiles.contains(rel) || underIgnoredDir(rel)
                    || Boolean.TRUE.equals(lateIgnored.get(rel)));
            if (!ignored) {
                out.add(rel);
            }
        }
        return out;
    }

    private boolean underIgnoredDir(String rel) {
        for (int i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) {
            if (ignoredDirs.contains(rel.substring(0, i))) {
                return true;
            }
        }
        return false;
    }

    /** Inside a tracked entry (a submodule's files, which the outer repository's ls-files does not list). */
    private boolean underTracked(String rel) {
        for (int i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) {
            if (tracked.contains(rel.substring(0, i))) {
                return true;
            }
        }
        return false;
    }

    private Set<String> checkIgnore(List<String> rels) {
        StringBuilder in = new StringBuilder();
        rels.forEach(r -> in.append(r).append('\0'));
        Result r = git(dir, in.toString(), "check-ignore", "-z", "--stdin");
        if (r.exitCode() != 0) {
            return Set.of(); // 1: none ignored; other: git failed, so count them as inputs
        }
        return new HashSet<>(split(r.stdout()));
    }

    private static List<String> split(String nulSeparated) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < nulSeparated.length(); i++) {
            if (nulSeparated.charAt(i) == '\0') {
                if (i > start) {
                    out.add(nulSeparated.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    /**
     * Makes git ignore {@code .munero/} in the repository that holds {@code dir}, as {@code munero run} does:
     * when {@code git check-ignore} says it is not ignored yet, appends {@code /<path-from-top>/.munero/} to
     * the repository's {@code info/exclude} (never {@code .gitignore}). Does nothing outside git.
     *
     * @throws IOException when {@code info/exclude} cannot be written
     */
    public static void excludeStateDir(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        GitFiles known = snapshot(abs);
        if (!known.inGit() || known.ignoredDirs.contains(".munero")) {
            return; // the common case costs no process: the snapshot already lists .munero/ as ignored
        }
        if (git(abs, null, "check-ignore", "-q", "--no-index", ".munero/").exitCode() != 1) {
            return; // 0: ignored already; other: not a repository or no git
        }
        Result common = git(abs, null, "rev-parse", "--git-common-dir", "--show-prefix");
        if (common.failure().isPresent()) {
            return;
        }
        List<String> lines = common.stdout().lines().toList();
        if (lines.isEmpty()) {
            return;
        }
        Path exclude = abs.resolve(lines.get(0).strip()).resolve("info").resolve("exclude");
        String prefix = lines.size() > 1 ? lines.get(1).strip() : "";
        Files.createDirectories(exclude.getParent());
        String before = Files.exists(exclude) ? Files.readString(exclude, StandardCharsets.UTF_8) : "";
        String separator = before.isEmpty() || before.endsWith("\n") ? "" : "\n";
        Files.writeString(exclude, separator + "/" + prefix + ".munero/\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** A finished git process. */
    private record Result(int exitCode, String stdout, String stderr) {
        Optional<String> failure() {
            if (exitCode == 0) {
                return Optional.empty();
            }
            String first = stderr.lines().findFirst().orElse("exit code " + exitCode);
            return Optional.of(first.startsWith("fatal: ") ? first.substring(7) : first);
        }
    }

    private static Result git(Path cwd, String stdin, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("git");
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        pb.environment().put("GIT_OPTIONAL_LOCKS", "0"); // never take index.lock away from the user's git
        pb.environment().put("LC_ALL", "C");
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()),
                    Thread::startVirtualThread);
            try (OutputStream os = p.getOutputStream()) {
                if (stdin != null) {
                    os.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] out = readAll(p.getInputStream());
            int code = p.waitFor();
            return new Result(code, new String(out, StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, "", "git cannot run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted while git ran");
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
