package dev.munero.core.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One git worktree (the main one or a linked one), driven through the real {@code git} command line: the
 * checkpoints, per-agent worktrees, merges, rollbacks and diffs of {@code munero run}. Every command is
 * {@code git -C <root> ...} as a child process (see {@link GitProcess} for its environment); nothing here changes
 * git configuration.
 *
 * <p>Checkpoint commits and merges pass {@code --no-verify}, so the user's {@code pre-commit},
 * {@code pre-merge-commit} and {@code commit-msg} hooks do not run on them, and {@code -m}, so no editor opens.
 * Their author is the user's identity when {@code git config user.email} is set for the repository, else
 * {@code Munero <munero@localhost>}.
 *
 * <p>Thread-safety: an instance is immutable and may be shared, but it is a handle on a worktree that other
 * processes can change. Git takes a lock for each index write of a worktree and fails (it does not wait) when the
 * lock is held, so callers must not run two commands on the same worktree at once; commands on different worktrees
 * of one repository may run in parallel, apart from {@link #ensureIgnored}, which appends to the file all worktrees
 * share.
 */
public final class Git {
    private static final String IDENTITY_NAME = "Munero";
    private static final String IDENTITY_EMAIL = "munero@localhost";

    private final Path root;
    private final GitProcess git;

    private Git(Path root, GitProcess git) {
        this.root = root;
        this.git = git;
    }

    /**
     * Opens the repository or worktree containing {@code dir} ({@code git rev-parse --show-toplevel}).
     *
     * @param dir any directory inside the worktree
     * @throws GitException when git is not installed or not on the {@code PATH}, when {@code dir} is not in a git
     *                      repository (the message says how to make one), or when it is in one without a work
     *                      tree (a bare repository, the {@code .git} directory)
     */
    public static Git open(Path dir) throws GitException {
        return open(dir, GitProcess.DEFAULT);
    }

    /** {@link #open(Path)} with another git program or extra environment variables (tests). */
    static Git open(Path dir, GitProcess git) throws GitException {
        List<String> args = List.of("rev-parse", "--show-toplevel");
        GitProcess.Output output = git.run(dir, args);
        if (output.exitCode() != 0 && output.stderr().contains("not a git repository")) {
            throw new GitException(dir + " is not in a git repository; munero run needs one for its checkpoints: "
                    + "run git init && git add -A && git commit -m 'initial'");
        }
        String top = output.stdout().strip();
        if (output.exitCode() != 0 || top.isEmpty()) {
            throw git.failure("find the worktree containing " + dir, dir, args, output);
        }
        try {
            return new Git(dir.resolve(top).toRealPath(), git);
        } catch (IOException e) {
            throw new GitException("git names " + top + " as the worktree containing " + dir
                    + ", but it cannot be read: " + e.getMessage(), e);
        }
    }

    /** The top-level directory of this worktree: absolute, symbolic links resolved. */
    public Path root() {
        return root;
    }

    /**
     * The commit checked out here.
     *
     * @return the full sha of {@code HEAD}
     * @throws GitException when the repository has no commit yet (the message says to make a first one) or git
     *                      fails
     */
    public String head() throws GitException {
        List<String> args = List.of("rev-parse", "--verify", "-q", "HEAD^{commit}");
        GitProcess.Output output = git.run(root, args);
        if (output.exitCode() == 1 && output.stdout().isBlank()) {
            throw new GitException(root + " has no commit yet; munero run needs one for its checkpoints: run "
                    + "git add -A && git commit -m 'initial'");
        }
        if (output.exitCode() != 0) {
            throw git.failure("read HEAD", root, args, output);
        }
        return output.stdout().strip();
    }

    /**
     * Whether nothing would be committed: no staged, unstaged or untracked change. Ignored files do not count;
     * untracked files count even when the user's {@code status.showUntrackedFiles} hides them.
     *
     * @throws GitException when {@code git status} fails
     */
    public boolean isClean() throws GitException {
        return check("read the status", "status", "--porcelain=v1", "-z", "--untracked-files=normal").isEmpty();
    }

    /**
     * Adds a linked worktree on a new branch ({@code git worktree add -b BRANCH DIR START}); missing parent
     * directories are created.
     *
     * @param dir        where the worktree goes, which must not exist or be empty; relative to {@link #root()}
     *                   unless absolute
     * @param branch     the new branch, which must not exist yet (e.g. {@code munero/<run-id>/<task>})
     * @param startPoint the commit the branch starts at: a sha, branch or other rev
     * @return the new worktree
     * @throws GitException when the branch exists, {@code dir} is not empty, {@code startPoint} is unknown, or git
     *                      fails otherwise
     * @throws IllegalArgumentException when {@code branch} or {@code startPoint} is blank or starts with {@code -}
     */
    public Git addWorktree(Path dir, String branch, String startPoint) throws GitException {
        Path target = root.resolve(dir);
        check("add the worktree " + target, "worktree", "add", "-q", "-b", rev(branch), target.toString(),
                rev(startPoint));
        return open(target, git);
    }

    /**
     * Adds a linked worktree for an existing branch ({@code git worktree add DIR BRANCH}), as when a run's
     * worktree was deleted and the run resumes.
     *
     * @param dir    where the worktree goes, relative to {@link #root()} unless absolute
     * @param branch the branch, which must exist and not be checked out elsewhere
     * @return the new worktree
     * @throws GitException when the branch does not exist or is checked out, {@code dir} is not empty, or git fails
     * @throws IllegalArgumentException when {@code branch} is blank or starts with {@code -}
     */
    public Git addWorktreeForBranch(Path dir, String branch) throws GitException {
        Path target = root.resolve(dir);
        check("add the worktree " + target, "worktree", "add", "-q", target.toString(), rev(branch));
        return open(target, git);
    }

    /**
     * A worktree made sure of by {@link #restoreWorktree}.
     *
     * @param worktree the healthy worktree, at the commit asked for
     * @param damage   what was wrong with it, when it had to be rebuilt
     * @param movedTo  where what was left of a damaged one was moved
     */
    public record Restored(Git worktree, Optional<String> damage, Optional<Path> movedTo) { }

    /**
     * Makes {@code dir} a linked worktree of this repository with {@code branch} checked out at {@code commit},
     * rebuilding it when it is damaged: missing, not a directory, unreadable by git, not a worktree of its own any
     * more (git would find an enclosing repository instead), or with another branch checked out. What is left of a
     * damaged one is moved aside to {@code DIR.damaged-<millis>} (never deleted); git's record of it is pruned
     * ({@code git worktree prune}), the branch is moved to {@code commit} and the worktree added again. A healthy
     * one is reset ({@link #resetHard}), which restores files deleted from it.
     *
     * @param dir    the worktree, relative to {@link #root()} unless absolute
     * @param branch the branch it must have checked out
     * @param commit where it must be
     * @throws GitException when git fails, or what is left cannot be moved aside
     * @throws IllegalArgumentException when {@code branch} or {@code commit} is blank or starts with {@code -}
     */
    public Restored restoreWorktree(Path dir, String branch, String commit) throws GitException {
        Path target = root.resolve(dir).toAbsolutePath().normalize();
        String damage = null;
        Git existing = null;
        if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            damage = "it was missing";
        } else if (!Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            damage = "it is not a directory";
        } else {
            try {
                existing = open(target, git);
                if (!existing.root().equals(target.toRealPath())) {
                    damage = "it is not a worktree any more (git finds " + existing.root() + " instead)";
                } else if (!Optional.of(branch).equals(existing.currentBranch())) {
                    damage = "it has " + existing.currentBranch().map(b -> "branch " + b).orElse("a detached HEAD")
                            + " checked out instead of " + branch;
                }
            } catch (GitException | IOException e) {
                damage = "git cannot use it: " + e.getMessage();
            }
        }
        if (damage == null) {
            existing.resetHard(commit);
            return new Restored(existing, Optional.empty(), Optional.empty());
        }
        Optional<Path> movedTo = Optional.empty();
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Path aside = target.resolveSibling(target.getFileName() + ".damaged-" + System.currentTimeMillis());
            try {
                Files.move(target, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new GitException("the worktree " + target + " is damaged (" + damage + ") and cannot be moved "
                        + "aside to rebuild it: " + e.getMessage() + "; move or delete it, then try again", e);
            }
            movedTo = Optional.of(aside);
        }
        pruneWorktrees();
        resetBranch(branch, commit);
        Git rebuilt = addWorktreeForBranch(target, branch);
        return new Restored(rebuilt, Optional.of(damage), movedTo);
    }

    /** The branch checked out here ({@code git symbolic-ref --short HEAD}); empty on a detached HEAD. */
    public Optional<String> currentBranch() throws GitException {
        List<String> args = List.of("symbolic-ref", "-q", "--short", "HEAD");
        GitProcess.Output output = git.run(root, args);
        if (output.exitCode() == 1) {
            return Optional.empty();
        }
        if (output.exitCode() != 0) {
            throw git.failure("read the current branch", root, args, output);
        }
        return Optional.of(output.stdout().strip());
    }

    /**
     * Forgets worktrees whose directories are gone ({@code git worktree prune}), so their branches can be checked
     * out again.
     *
     * @throws GitException when git fails
     */
    public void pruneWorktrees() throws GitException {
        check("prune worktrees", "worktree", "prune");
    }

    /**
     * Removes a linked worktree with whatever changes it holds ({@code git worktree remove --force DIR}), then
     * forgets worktrees whose directories are gone ({@code git worktree prune}). Its branch stays.
     *
     * @param dir the worktree, relative to {@link #root()} unless absolute; nothing is removed when it no longer
     *            exists
     * @throws GitException when {@code dir} exists but git cannot remove it (not a worktree, the main worktree, a
     *                      locked one) or the prune fails
     */
    public void removeWorktree(Path dir) throws GitException {
        Path target = root.resolve(dir);
        if (Files.exists(target)) {
            check("remove the worktree " + target, "worktree", "remove", "--force", target.toString());
        }
        pruneWorktrees();
    }

    /**
     * Stages everything ({@code git add -A}: new, changed and deleted files, not ignored ones) and commits it when
     * anything is staged.
     *
     * @param message the commit message, not blank
     * @return the new commit's full sha, or empty when nothing changed (no commit is made)
     * @throws GitException when staging or committing fails
     * @throws IllegalArgumentException when {@code message} is blank
     */
    public Optional<String> commitAll(String message) throws GitException {
        requireMessage(message);
        check("stage all changes", "add", "-A");
        List<String> args = List.of("diff", "--cached", "--quiet", "--no-ext-diff");
        GitProcess.Output staged = git.run(root, args);
        if (staged.exitCode() == 0) {
            return Optional.empty();
        }
        if (staged.exitCode() != 1) {
            throw git.failure("compare the index with HEAD", root, args, staged);
        }
        commit(message);
        return Optional.of(head());
    }

    /**
     * Stages everything and commits, even when nothing changed (a checkpoint that marks a point in the run).
     *
     * @param message the commit message, not blank
     * @return the new commit's full sha
     * @throws GitException when staging or committing fails
     * @throws IllegalArgumentException when {@code message} is blank
     */
    public String commitAllowEmpty(String message) throws GitException {
        requireMessage(message);
        check("stage all changes", "add", "-A");
        commit(message, "--allow-empty");
        return head();
    }

    private void commit(String message, String... extra) throws GitException {
        List<String> args = new ArrayList<>(identity());
        args.addAll(List.of("commit", "-q", "--no-verify", "--no-gpg-sign", "-m", message));
        args.addAll(Arrays.asList(extra));
        git.check(root, "commit", args);
    }

    /**
     * Merges a branch into the branch checked out here with a merge commit ({@code git merge --no-ff -m MESSAGE
     * BRANCH}). On a conflict the merge is aborted ({@code git merge --abort}), so the worktree is left clean at
     * its previous {@code HEAD}, and the conflicted paths are returned.
     *
     * @param branch  the branch (or any commit) to merge
     * @param message the merge commit's message, not blank
     * @return {@link MergeResult.Merged} with the new {@code HEAD}, or {@link MergeResult.Conflict}
     * @throws GitException when the merge fails for another reason than a conflict (unknown branch, local changes
     *                      in the way; a merge left half-done is aborted first) or the abort fails
     * @throws IllegalArgumentException when {@code branch} is blank or starts with {@code -}, or {@code message}
     *                                  is blank
     */
    public MergeResult merge(String branch, String message) throws GitException {
        requireMessage(message);
        List<String> args = new ArrayList<>(identity());
        args.addAll(List.of("merge", "--no-ff", "--no-verify", "--no-gpg-sign", "-m", message, rev(branch)));
        GitProcess.Output merge = git.run(root, args);
        if (merge.exitCode() == 0) {
            return new MergeResult.Merged(head());
        }
        List<String> conflicted = paths(check("list the conflicted files", "diff", "--name-only", "-z",
                "--diff-filter=U"));
        boolean merging = git.run(root, List.of("rev-parse", "-q", "--verify", "MERGE_HEAD")).exitCode() == 0;
        if (merging) {
            check("abort the merge of " + branch, "merge", "--abort");
        }
        if (conflicted.isEmpty()) {
            throw git.failure("merge " + branch, root, args, merge);
        }
        String detail = (merge.stdout().strip() + "\n" + merge.stderr().strip()).strip();
        return new MergeResult.Conflict(conflicted, detail);
    }

    /**
     * Moves this worktree and its branch to {@code commit}, dropping every change: {@code git reset --hard
     * COMMIT}, then {@code git clean -fd} for untracked files and directories. Ignored files (caches such as
     * {@code .munero/}) survive.
     *
     * @param commit the commit to go back to
     * @throws GitException when {@code commit} is unknown or git fails
     * @throws IllegalArgumentException when {@code commit} is blank or starts with {@code -}
     */
    public void resetHard(String commit) throws GitException {
        check("reset to " + commit, "reset", "-q", "--hard", rev(commit));
        check("remove untracked files", "clean", "-q", "-f", "-d");
    }

    /**
     * The changes between two commits as a unified diff ({@code git diff FROM TO}), without colour or external
     * diff tools and with the usual {@code a/} and {@code b/} prefixes whatever the user's configuration says.
     *
     * @param from the old side: a sha, branch or other rev
     * @param to   the new side
     * @return the diff text; empty when the trees are equal
     * @throws GitException when either commit is unknown or git fails
     * @throws IllegalArgumentException when a rev is blank or starts with {@code -}
     */
    public String diff(String from, String to) throws GitException {
        return check("diff " + from + " " + to, "diff", "--no-color", "--no-ext-diff", "--no-textconv",
                "--src-prefix=a/", "--dst-prefix=b/", rev(from), rev(to), "--");
    }

    /**
     * The work not yet committed here, new files included, as a unified diff against {@code HEAD}: stages
     * everything ({@code git add -A}, as a checkpoint commit would) and returns {@code git diff --cached HEAD}, with
     * the options of {@link #diff}. Staging changes no file; the next commit of this worktree takes the same changes.
     *
     * @return the diff text; empty when nothing changed
     * @throws GitException when staging or the diff fails
     */
    public String uncommittedDiff() throws GitException {
        check("stage all changes", "add", "-A");
        return check("diff the staged changes", "diff", "--cached", "--no-color", "--no-ext-diff", "--no-textconv",
                "--src-prefix=a/", "--dst-prefix=b/", "HEAD", "--");
    }

    /**
     * The paths that differ between two commits ({@code git diff --name-only}), relative to the root. A renamed file
     * counts as its old path (deleted) and its new one (added).
     *
     * @param from the old side: a sha, branch or other rev
     * @param to   the new side
     * @return the paths in git's order, empty when the trees are equal
     * @throws GitException when either commit is unknown or git fails
     * @throws IllegalArgumentException when a rev is blank or starts with {@code -}
     */
    public List<String> changedFiles(String from, String to) throws GitException {
        return paths(check("list the files changed from " + from + " to " + to, "diff", "--name-only", "-z",
                "--no-renames", "--no-ext-diff", rev(from), rev(to), "--"));
    }

    /**
     * The commit that a rev names: a sha (abbreviated or full), branch, tag (peeled to its commit) or expression
     * such as {@code HEAD~2}.
     *
     * @param rev what to resolve
     * @return the full sha
     * @throws GitException naming {@code rev} when it names no commit
     * @throws IllegalArgumentException when {@code rev} is blank or starts with {@code -}
     */
    public String revParse(String rev) throws GitException {
        List<String> args = List.of("rev-parse", "--verify", "-q", rev(rev) + "^{commit}");
        GitProcess.Output output = git.run(root, args);
        if (output.exitCode() == 1) {
            throw new GitException("unknown revision '" + rev + "' in " + root + ": it names no commit");
        }
        if (output.exitCode() != 0) {
            throw git.failure("resolve " + rev, root, args, output);
        }
        return output.stdout().strip();
    }

    /**
     * Whether a local branch exists ({@code refs/heads/BRANCH}).
     *
     * @param branch the short name, e.g. {@code munero/<run-id>}
     * @throws GitException when git fails
     * @throws IllegalArgumentException when {@code branch} is blank or starts with {@code -}
     */
    public boolean branchExists(String branch) throws GitException {
        List<String> args = List.of("show-ref", "--verify", "-q", "refs/heads/" + rev(branch));
        GitProcess.Output output = git.run(root, args);
        return switch (output.exitCode()) {
            case 0 -> true;
            case 1 -> false;
            default -> throw git.failure("look up the branch " + branch, root, args, output);
        };
    }

    /**
     * Deletes a local branch whether or not it is merged ({@code git branch -D}); nothing happens when it does not
     * exist.
     *
     * @param branch the short name
     * @throws GitException when the branch is checked out in a worktree, or git fails
     * @throws IllegalArgumentException when {@code branch} is blank or starts with {@code -}
     */
    public void deleteBranch(String branch) throws GitException {
        if (branchExists(branch)) {
            check("delete the branch " + branch, "branch", "-q", "-D", branch);
        }
    }

    /**
     * Points a branch at {@code commit}, creating it when missing ({@code git branch -f BRANCH COMMIT}). The
     * branch must not be checked out in any worktree; use {@link #resetHard} on that worktree instead.
     *
     * @param branch the short name
     * @param commit where it goes: a sha, branch or other rev
     * @throws GitException when the branch is checked out in a worktree, {@code commit} is unknown, or git fails
     * @throws IllegalArgumentException when {@code branch} or {@code commit} is blank or starts with {@code -}
     */
    public void resetBranch(String branch, String commit) throws GitException {
        check("move the branch " + branch + " to " + commit, "branch", "-q", "-f", rev(branch), rev(commit));
    }

    /**
     * Makes sure a path is ignored in every worktree of this repository: when {@code git check-ignore} says it is
     * not (patterns only, tracked or not), appends it, anchored at the root, to the repository's
     * {@code info/exclude} (found with {@code git rev-parse --git-common-dir}, so a linked worktree writes the
     * shared one). Never edits {@code .gitignore}; calling it again changes nothing.
     *
     * @param path relative to the root, in gitignore syntax; a trailing {@code /} matches directories only
     *             (e.g. {@code .munero/})
     * @throws GitException when git fails or {@code info/exclude} cannot be written
     * @throws IllegalArgumentException when {@code path} is blank, spans lines, or starts with {@code -},
     *                                  {@code !} or {@code #} (which would not be a plain path pattern)
     */
    public void ensureIgnored(String path) throws GitException {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        if (relative.isBlank() || relative.contains("\n") || relative.contains("\r")
                || relative.startsWith("-") || relative.startsWith("!") || relative.startsWith("#")) {
            throw new IllegalArgumentException("not a path to ignore: '" + path + "'");
        }
        List<String> args = List.of("check-ignore", "-q", "--no-index", relative);
        GitProcess.Output ignored = git.run(root, args);
        if (ignored.exitCode() == 0) {
            return;
        }
        if (ignored.exitCode() != 1) {
            throw git.failure("check whether " + relative + " is ignored", root, args, ignored);
        }
        Path exclude = root.resolve(check("find the repository's git directory", "rev-parse", "--git-common-dir")
                .strip()).resolve("info").resolve("exclude");
        try {
            Files.createDirectories(exclude.getParent());
            String before = Files.exists(exclude) ? Files.readString(exclude, StandardCharsets.UTF_8) : "";
            String separator = before.isEmpty() || before.endsWith("\n") ? "" : "\n";
            Files.writeString(exclude, separator + "/" + relative + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new GitException("cannot add " + relative + " to " + exclude + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Git[" + root + "]";
    }

    /** Whether {@code s} is a full object name: 40 hex digits (SHA-1) or 64 (SHA-256 repositories). */
    static boolean isSha(String s) {
        return s != null && (s.length() == 40 || s.length() == 64) && s.chars().allMatch(c -> c >= '0' && c <= '9'
                || c >= 'a' && c <= 'f');
    }

    /**
     * The {@code -c} options for commit and merge: the fallback identity when the repository's effective
     * {@code user.email} is empty, else none (git uses the user's).
     */
    private List<String> identity() throws GitException {
        List<String> args = List.of("config", "--get", "user.email");
        GitProcess.Output email = git.run(root, args);
        if (email.exitCode() > 1) {
            throw git.failure("read user.email", root, args, email);
        }
        return email.stdout().isBlank()
                ? List.of("-c", "user.name=" + IDENTITY_NAME, "-c", "user.email=" + IDENTITY_EMAIL)
                : List.of();
    }

    private String check(String what, String... args) throws GitException {
        return git.check(root, what, List.of(args));
    }

    /** The paths of a {@code -z} listing. */
    private static List<String> paths(String nulSeparated) {
        return nulSeparated.isEmpty() ? List.of() : List.of(nulSeparated.split("\0"));
    }

    /** A rev or branch name as an argument; one starting with {@code -} would be read as an option. */
    private static String rev(String rev) {
        if (rev == null || rev.isBlank() || rev.startsWith("-")) {
            throw new IllegalArgumentException("not a git rev or branch name: '" + rev + "'");
        }
        return rev;
    }

    private static void requireMessage(String message) {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("a commit message must not be blank: '" + message + "'");
        }
    }
}
