package dev.munero.temporal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How work travels between the workers of a distributed run (issue 16.2): through the run's git remote. A worker
 * keeps one bare clone of each remote under its work dir ({@code <work dir>/clones/<16 hex of the URL's SHA-256>.git},
 * made on first use); each activity attempt fetches the branches it needs into it
 * ({@code refs/remotes/origin/<branch>}), checks the commit it was given out in a fresh detached worktree
 * ({@code <work dir>/worktrees/<name>}) and removes that worktree when done; results go back with {@code git push}.
 *
 * <p>Only the real {@code git} command line is used ({@code git -C DIR ...}, stdin closed,
 * {@code GIT_TERMINAL_PROMPT=0}, {@code LC_ALL=C}, without variables that redirect git to another repository). The
 * clone's {@code info/exclude} ignores {@code .munero/}, so a check build's cache and logs are never committed.
 *
 * <p>Thread-safe: the commands on one clone (fetch, worktree add and remove, push) hold that clone's lock; the
 * commands inside one worktree belong to the one activity attempt that made it.
 */
final class GitTransfer {
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();
    private static final List<String> REDIRECTING = List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
            "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES");

    private final Path workDir;

    /** @param workDir the worker's own directory (absolute); clones and worktrees go under it */
    GitTransfer(Path workDir) {
        this.workDir = workDir.toAbsolutePath().normalize();
    }

    /** A git command that failed: its message names the command, the directory and git's last lines. */
    static final class GitFailure extends RuntimeException {
        GitFailure(String message) {
            super(message);
        }
    }

    /**
     * A detached worktree at a commit; closing it removes the worktree (its files are this attempt's own).
     *
     * @param repository the worker's clone of the remote
     * @param dir   the worktree
     */
    record Checkout(GitTransfer owner, Path repository, Path dir) implements AutoCloseable {
        @Override
        public void close() {
            owner.remove(this);
        }
    }

    /**
     * Fetches {@code branches} of {@code remote} and checks {@code commit} out in a new worktree {@code name}.
     *
     * @param name unique per activity attempt (a file name)
     * @throws GitFailure when the remote cannot be cloned or fetched, a branch is not on it, or the commit is in
     *                    none of the fetched branches' history
     */
    Checkout checkout(String remote, List<String> branches, String commit, String name) {
        Path clone = clone(remote);
        Path dir = workDir.resolve("worktrees").resolve(name);
        synchronized (lock(clone)) {
            fetch(clone, remote, branches);
            String resolved = runAllowingFailure(clone, "rev-parse", "-q", "--verify", commit + "^{commit}").strip();
            if (resolved.isEmpty()) {
                throw new GitFailure("commit " + commit + " is not on " + String.join(" or ", branches) + " of "
                        + remote + "; the run's branch must hold it (was it pushed?)");
            }
            if (Files.exists(dir)) { // an attempt of the same name left it (the worker was killed): ours to drop
                runAllowingFailure(clone, "worktree", "remove", "--force", dir.toString());
                runAllowingFailure(clone, "worktree", "prune");
            }
            run(clone, "worktree", "add", "-q", "--detach", dir.toString(), resolved);
        }
        return new Checkout(this, clone, dir);
    }

    /** The commit {@code branch} of the clone's remote had at the last fetch, or empty when it was not fetched. */
    String fetched(Checkout checkout, String branch) {
        return runAllowingFailure(checkout.repository(), "rev-parse", "-q", "--verify", "refs/remotes/origin/" + branch)
                .strip();
    }

    /** The parents of {@code commit}, in order. */
    List<String> parents(Checkout checkout, String commit) {
        String line = run(checkout.repository(), "rev-list", "--parents", "-n", "1", commit).strip();
        List<String> parts = new ArrayList<>(List.of(line.split(" ")));
        parts.removeFirst();
        return parts;
    }

    /**
     * Pushes {@code commit} to {@code branch} of the remote: with {@code force} it replaces what is there (a
     * retried attempt's new commit), else the push must fast-forward the branch.
     *
     * @throws GitFailure when the push is refused or fails
     */
    void push(Checkout checkout, String commit, String branch, boolean force) {
        synchronized (lock(checkout.repository())) {
            List<String> args = new ArrayList<>(List.of("push", "-q", "--no-verify"));
            if (force) {
                args.add("--force");
            }
            args.addAll(List.of("origin", commit + ":refs/heads/" + branch));
            run(checkout.dir(), args.toArray(String[]::new));
        }
    }

    /**
     * @throws GitFailure when {@code branch} is not a valid branch name
     */
    static void requireBranchName(String branch) {
        Output out = exec(Path.of(".").toAbsolutePath(), List.of("check-ref-format", "--branch", branch));
        if (out.exitCode() != 0) {
            throw new GitFailure("'" + branch + "' is not a valid git branch name: " + tail(out));
        }
    }

    /**
     * Removes the worktree, even on a thread interrupted to stop the attempt (the interrupt is kept); a cleanup that
     * fails does not fail the attempt.
     */
    private void remove(Checkout checkout) {
        boolean interrupted = Thread.interrupted();
        try {
            synchronized (lock(checkout.repository())) {
                runAllowingFailure(checkout.repository(), "worktree", "remove", "--force", checkout.dir().toString());
                runAllowingFailure(checkout.repository(), "worktree", "prune");
            }
        } catch (GitFailure e) {
            // git could not start: the worktree stays, the attempt's result does not depend on it, and a later
            // attempt of the same name removes it before it checks out
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Path clone(String remote) {
        Path clone = workDir.resolve("clones").resolve(hash(remote) + ".git");
        synchronized (lock(clone)) {
            if (!Files.isRegularFile(clone.resolve("HEAD"))) {
                Path tmp = clone.resolveSibling(clone.getFileName() + ".tmp-" + ProcessHandle.current().pid());
                try {
                    Files.createDirectories(clone.getParent());
                    deleteTree(tmp);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot prepare " + tmp + ": " + e.getMessage(), e);
                }
                run(clone.getParent(), "clone", "-q", "--bare", "--no-tags", remote, tmp.toString());
                try {
                    Files.createDirectories(tmp.resolve("info"));
                    Files.writeString(tmp.resolve("info/exclude"), ".munero/\n", StandardCharsets.UTF_8);
                    Files.move(tmp, clone, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot set up the clone " + clone + ": " + e.getMessage(), e);
                }
            }
        }
        return clone;
    }

    private void fetch(Path clone, String remote, List<String> branches) {
        List<String> args = new ArrayList<>(List.of("fetch", "-q", "--no-tags", "origin"));
        for (String b : branches) {
            args.add("+refs/heads/" + b + ":refs/remotes/origin/" + b);
        }
        Output out = exec(clone, args);
        if (out.exitCode() != 0) {
            throw new GitFailure("cannot fetch " + String.join(", ", branches) + " from " + remote + " into "
                    + clone + ": " + tail(out));
        }
    }

    private static Object lock(Path clone) {
        return LOCKS.computeIfAbsent(clone, c -> new Object());
    }

    private static String hash(String remote) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(remote.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Runs git and returns its stdout. @throws GitFailure when it exits non-zero */
    static String run(Path dir, String... args) {
        Output out = exec(dir, List.of(args));
        if (out.exitCode() != 0) {
            throw new GitFailure("git " + String.join(" ", args) + " in " + dir + " failed (exit " + out.exitCode()
                    + "): " + tail(out));
        }
        return out.stdout();
    }

    private static String runAllowingFailure(Path dir, String... args) {
        return exec(dir, List.of(args)).stdout();
    }

    private record Output(int exitCode, String stdout, String stderr) { }

    private static String tail(Output out) {
        String text = (out.stderr().isBlank() ? out.stdout() : out.stderr()).strip();
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    }

    private static Output exec(Path dir, List<String> args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null")));
        REDIRECTING.forEach(pb.environment()::remove);
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("GIT_PAGER", "cat");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new GitFailure("cannot start git (is it installed and on the PATH?): " + e.getMessage());
        }
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()),
                r -> Thread.ofVirtual().start(r));
        String stdout = drain(p.getInputStream());
        try {
            int code = p.waitFor();
            return new Output(code, stdout, err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new GitFailure("interrupted while git " + String.join(" ", args) + " ran in " + dir);
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
