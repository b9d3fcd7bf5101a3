package dev.munero.core.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Git} against the real git in temporary repositories. Every git here, the one under test included, ignores
 * this machine's global and system configuration, so no {@code user.email} is set unless a test sets one; the
 * tests' own setup commits name their author with {@code -c}.
 */
class GitTest {
    private static final GitProcess ISOLATED = new GitProcess("git",
            Map.of("GIT_CONFIG_GLOBAL", "/dev/null", "GIT_CONFIG_NOSYSTEM", "1"));

    @TempDir
    Path tmp;

    private Path repo;
    private Git git;

    @BeforeEach
    void initRepository() throws Exception {
        repo = Files.createDirectories(tmp.resolve("repo"));
        setup(repo, "init", "-q", "-b", "main");
        write("README.md", "hello\n");
        setupCommit(repo, "initial");
        git = Git.open(repo, ISOLATED);
    }

    // ---- planted hooks and fsmonitor (issue 10)

    @Test
    void munerosOwnGitCallsRunNeitherAPlantedHookNorAPlantedFsmonitor() throws Exception {
        // an agent may have planted both; Munero commits, checks status and adds worktrees after it
        Path ran = tmp.resolve("ran");
        Path hooks = repo.resolve(".git/hooks");
        for (String hook : List.of("pre-commit", "commit-msg", "post-commit", "post-checkout")) {
            Path h = hooks.resolve(hook);
            Files.writeString(h, "#!/bin/sh\necho " + hook + " >> " + ran + "\n");
            h.toFile().setExecutable(true);
        }
        Path monitor = tmp.resolve("monitor.sh");
        Files.writeString(monitor, "#!/bin/sh\necho fsmonitor >> " + ran + "\n");
        monitor.toFile().setExecutable(true);
        setup(repo, "config", "core.fsmonitor", monitor.toString());
        write("a.txt", "a\n");

        git.isClean();
        git.commitAll("with a planted hook");
        git.addWorktree(tmp.resolve("wt"), "side", "HEAD").commitAllowEmpty("in the worktree");

        assertThat(ran).doesNotExist();
        assertThat(git.isClean()).isTrue();
    }

    // ---- opening

    @Test
    void openOutsideARepositoryNamesTheDirectoryAndSaysHowToMakeOne() throws IOException {
        Path plain = Files.createDirectories(tmp.resolve("plain"));

        assertThatThrownBy(() -> Git.open(plain, ISOLATED))
                .isInstanceOf(GitException.class)
                .hasMessageContaining(plain + " is not in a git repository")
                .hasMessageContaining("git init && git add -A && git commit -m 'initial'");
    }

    @Test
    void openWithoutGitSaysGitIsNotInstalled() {
        GitProcess missing = new GitProcess("munero-no-such-git", Map.of());

        assertThatThrownBy(() -> Git.open(repo, missing))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("git is not installed / not on PATH");
    }

    @Test
    void openFromASubdirectoryFindsTheRealRoot() throws Exception {
        Path sub = Files.createDirectories(repo.resolve("src/main"));

        Git opened = Git.open(sub, ISOLATED);

        assertThat(opened.root()).isEqualTo(repo.toRealPath()).isAbsolute();
    }

    @Test
    void headOfARepositoryWithoutACommitSaysToMakeOne() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        setup(empty, "init", "-q", "-b", "main");

        assertThatThrownBy(() -> Git.open(empty, ISOLATED).head())
                .isInstanceOf(GitException.class)
                .hasMessageContaining("has no commit yet")
                .hasMessageContaining("git commit -m 'initial'");
    }

    // ---- commits

    @Test
    void commitAllCommitsNewChangedAndDeletedFilesAndNothingWhenNothingChanged() throws Exception {
        String before = git.head();
        write("new.txt", "new\n");
        write("README.md", "changed\n");

        Optional<String> first = git.commitAll("task 1");

        assertThat(first).hasValue(git.head());
        assertThat(git.head()).isNotEqualTo(before);
        assertThat(git.isClean()).isTrue();
        assertThat(git.changedFiles(before, first.get())).containsExactlyInAnyOrder("README.md", "new.txt");
        assertThat(log("%s")).startsWith("task 1\n");

        assertThat(git.commitAll("task 2")).isEmpty();
        assertThat(git.head()).isEqualTo(first.get());

        Files.delete(repo.resolve("new.txt"));
        Optional<String> third = git.commitAll("task 3");
        assertThat(third).isPresent();
        assertThat(git.changedFiles(first.get(), third.get())).containsExactly("new.txt");
    }

    @Test
    void commitAllMakesTheFirstCommitOfARepositoryWithoutOne() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        setup(empty, "init", "-q", "-b", "main");
        Git fresh = Git.open(empty, ISOLATED);
        assertThat(fresh.commitAll("nothing yet")).isEmpty();
        Files.writeString(empty.resolve("a.txt"), "a\n");

        Optional<String> first = fresh.commitAll("first");

        assertThat(first).hasValue(fresh.head());
    }

    @Test
    void commitAllowEmptyMakesACommitWhenNothingChanged() throws Exception {
        String before = git.head();

        String sha = git.commitAllowEmpty("iteration 1");

        assertThat(sha).isEqualTo(git.head()).isNotEqualTo(before);
        assertThat(git.revParse(sha + "^")).isEqualTo(before);
        assertThat(git.diff(before, sha)).isEmpty();
    }

    @Test
    void blankCommitMessagesAreRejected() {
        assertThatThrownBy(() -> git.commitAll(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> git.commitAllowEmpty("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isCleanSeesStagedUnstagedAndUntrackedChangesButNotIgnoredFiles() throws Exception {
        assertThat(git.isClean()).isTrue();

        write(".gitignore", "build/\n");
        setupCommit(repo, "ignore build");
        write("build/out.bin", "x");
        assertThat(git.isClean()).isTrue();

        write("untracked.txt", "u");
        assertThat(git.isClean()).isFalse();
        Files.delete(repo.resolve("untracked.txt"));

        write("README.md", "unstaged\n");
        assertThat(git.isClean()).isFalse();
        setup(repo, "add", "README.md");
        assertThat(git.isClean()).isFalse();
    }

    // ---- worktrees

    @Test
    void aCommitInAWorktreeIsVisibleFromTheMainRepositoryByItsBranch() throws Exception {
        String start = git.head();

        Git worktree = git.addWorktree(Path.of(".munero/worktrees/r1"), "munero/r1", start);
        Files.writeString(worktree.root().resolve("feature.txt"), "feature\n");
        String sha = worktree.commitAll("task a").orElseThrow();

        assertThat(worktree.root()).isEqualTo(repo.toRealPath().resolve(".munero/worktrees/r1"));
        assertThat(git.branchExists("munero/r1")).isTrue();
        assertThat(git.revParse("munero/r1")).isEqualTo(sha);
        assertThat(git.head()).isEqualTo(start);
        assertThat(git.changedFiles(start, "munero/r1")).containsExactly("feature.txt");
    }

    @Test
    void removingAWorktreeDropsItsChangesKeepsItsBranchAndToleratesAGoneOne() throws Exception {
        Path dir = tmp.resolve("wt");
        Git worktree = git.addWorktree(dir, "munero/r2", "main");
        Files.writeString(worktree.root().resolve("dirty.txt"), "uncommitted\n");

        git.removeWorktree(dir);

        assertThat(dir).doesNotExist();
        assertThat(setup(repo, "worktree", "list", "--porcelain")).doesNotContain(dir.toString());
        assertThat(git.branchExists("munero/r2")).isTrue();
        git.removeWorktree(dir);
    }

    @Test
    void addingAWorktreeOnAnExistingBranchFails() throws Exception {
        setup(repo, "branch", "taken");

        assertThatThrownBy(() -> git.addWorktree(tmp.resolve("wt"), "taken", "main"))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("worktree add")
                .hasMessageContaining("exited with");
    }

    // ---- merges

    @Test
    void mergingADivergedBranchMakesAMergeCommit() throws Exception {
        String taskCommit = branchWith("task", Map.of("task.txt", "task\n"));
        write("main.txt", "main\n");
        String mainCommit = git.commitAll("main").orElseThrow();

        MergeResult result = git.merge("task", "merge task");

        assertThat(result).isEqualTo(new MergeResult.Merged(git.head()));
        assertThat(log("%P")).isEqualTo(mainCommit + " " + taskCommit + "\n");
        assertThat(log("%s")).isEqualTo("merge task\n");
        assertThat(repo.resolve("task.txt")).hasContent("task");
        assertThat(git.isClean()).isTrue();
    }

    @Test
    void aConflictingMergeIsAbortedAndNamesTheConflictedFiles() throws Exception {
        branchWith("task", Map.of("README.md", "from the task\n", "clean.txt", "no conflict\n"));
        write("README.md", "from main\n");
        String before = git.commitAll("main").orElseThrow();

        MergeResult result = git.merge("task", "merge task");

        assertThat(result).isInstanceOfSatisfying(MergeResult.Conflict.class, conflict -> {
            assertThat(conflict.files()).containsExactly("README.md");
            assertThat(conflict.detail()).contains("CONFLICT").contains("README.md");
        });
        assertThat(git.head()).isEqualTo(before);
        assertThat(git.isClean()).isTrue();
        assertThat(repo.resolve("README.md")).hasContent("from main");
        assertThat(repo.resolve("clean.txt")).doesNotExist();
        assertThat(ISOLATED.run(repo, List.of("rev-parse", "-q", "--verify", "MERGE_HEAD")).exitCode()).isEqualTo(1);
    }

    @Test
    void mergingAnUnknownBranchThrowsWithGitsMessage() {
        assertThatThrownBy(() -> git.merge("no-such-branch", "merge"))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("merge no-such-branch")
                .hasMessageContaining("no-such-branch - not something we can merge");
    }

    // ---- rollback, diffs, revs, branches

    @Test
    void resetHardDropsChangesAndUntrackedFilesButKeepsIgnoredOnes() throws Exception {
        git.ensureIgnored(".munero/");
        String checkpoint = git.head();
        write("later.txt", "later\n");
        git.commitAll("later").orElseThrow();
        write("README.md", "edited\n");
        write("untracked/dir/file.txt", "u");
        write("stray.txt", "s");
        write(".munero/cache/entry", "keep me");

        git.resetHard(checkpoint);

        assertThat(git.head()).isEqualTo(checkpoint);
        assertThat(git.isClean()).isTrue();
        assertThat(repo.resolve("README.md")).hasContent("hello");
        assertThat(repo.resolve("later.txt")).doesNotExist();
        assertThat(repo.resolve("untracked")).doesNotExist();
        assertThat(repo.resolve("stray.txt")).doesNotExist();
        assertThat(repo.resolve(".munero/cache/entry")).hasContent("keep me");
    }

    @Test
    void diffAndChangedFilesShowTheChangesBetweenTwoCommits() throws Exception {
        String from = git.head();
        write("README.md", "hello\nworld\n");
        write("docs/ünïcode name.md", "x\n");
        String to = git.commitAll("change").orElseThrow();

        String diff = git.diff(from, to);

        assertThat(diff).contains("diff --git a/README.md b/README.md").contains("+world").contains(" hello");
        assertThat(git.changedFiles(from, to)).containsExactly("README.md", "docs/ünïcode name.md");
        assertThat(git.changedFiles(to, to)).isEmpty();
        assertThat(git.diff(to, to)).isEmpty();
    }

    @Test // issue 14: what a reviewer reads
    void theUncommittedDiffShowsChangedAndNewFilesAndTheNextCommitTakesThem() throws Exception {
        String before = git.head();
        write("README.md", "hello\nworld\n");
        write("new/file.txt", "fresh\n");

        String diff = git.uncommittedDiff();

        assertThat(diff).contains("diff --git a/README.md b/README.md", "+world",
                "diff --git a/new/file.txt b/new/file.txt", "+fresh");
        assertThat(git.head()).isEqualTo(before);
        String after = git.commitAll("work").orElseThrow();
        assertThat(git.changedFiles(before, after)).containsExactly("README.md", "new/file.txt");
        assertThat(git.uncommittedDiff()).isEmpty();
    }

    @Test
    void aDiffLargerThanAPipeBufferIsReadWhole() throws Exception {
        String from = git.head();
        String line = "a line of the big file, long enough to fill the pipe quickly\n";
        write("big.txt", line.repeat(20_000));
        String to = git.commitAll("big").orElseThrow();

        String diff = git.diff(from, to);

        assertThat(diff.length()).isGreaterThan(line.length() * 20_000);
        assertThat(diff).endsWith("+" + line);
    }

    @Test
    void mergeResultsRejectWhatIsNotAResult() {
        assertThatThrownBy(() -> new MergeResult.Merged("HEAD")).hasMessageContaining("'HEAD'");
        assertThatThrownBy(() -> new MergeResult.Conflict(List.of(), "CONFLICT"))
                .hasMessageContaining("at least one file");
    }

    @Test
    void revParseResolvesRevsToFullShasAndNamesAnUnknownOne() throws Exception {
        String head = git.head();

        assertThat(git.revParse("main")).isEqualTo(head).hasSize(40);
        assertThat(git.revParse(head.substring(0, 8))).isEqualTo(head);
        assertThatThrownBy(() -> git.revParse("no-such-rev"))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("'no-such-rev'");
        assertThatThrownBy(() -> git.revParse("--all")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void branchesCanBeFoundMovedAndDeleted() throws Exception {
        String first = git.head();
        String second = git.commitAllowEmpty("second");
        assertThat(git.branchExists("munero/r1")).isFalse();

        git.resetBranch("munero/r1", first);
        assertThat(git.branchExists("munero/r1")).isTrue();
        assertThat(git.revParse("munero/r1")).isEqualTo(first);

        git.resetBranch("munero/r1", second);
        assertThat(git.revParse("munero/r1")).isEqualTo(second);

        git.deleteBranch("munero/r1");
        assertThat(git.branchExists("munero/r1")).isFalse();
        git.deleteBranch("munero/r1");
    }

    @Test
    void aBranchCheckedOutInAWorktreeCannotBeMovedOrDeleted() throws Exception {
        String first = git.head();
        git.commitAllowEmpty("second");
        git.addWorktree(tmp.resolve("wt"), "busy", "main");

        assertThatThrownBy(() -> git.resetBranch("main", first)).isInstanceOf(GitException.class);
        assertThatThrownBy(() -> git.deleteBranch("busy")).isInstanceOf(GitException.class)
                .hasMessageContaining("delete the branch busy");
    }

    // ---- ignoring

    @Test
    void ensureIgnoredAppendsToInfoExcludeOnceAndNeverTouchesGitignore() throws Exception {
        Path exclude = Files.createDirectories(repo.resolve(".git/info")).resolve("exclude");
        Files.writeString(exclude, "# user's own line without a newline");

        git.ensureIgnored(".munero/");
        git.ensureIgnored(".munero/");

        assertThat(Files.readAllLines(exclude)).containsExactly("# user's own line without a newline", "/.munero/");
        assertThat(repo.resolve(".gitignore")).doesNotExist();
        write(".munero/munero.db", "db");
        assertThat(git.isClean()).isTrue();
    }

    @Test
    void ensureIgnoredLeavesAPathThatIsAlreadyIgnoredAlone() throws Exception {
        write(".gitignore", ".munero/\n");
        setupCommit(repo, "ignore");
        Path exclude = repo.resolve(".git/info/exclude");
        String before = Files.exists(exclude) ? Files.readString(exclude) : "";

        git.ensureIgnored(".munero/");

        assertThat(Files.exists(exclude) ? Files.readString(exclude) : "").isEqualTo(before);
    }

    @Test
    void ensureIgnoredFromALinkedWorktreeWritesTheSharedExclude() throws Exception {
        Files.deleteIfExists(repo.resolve(".git/info/exclude"));
        Git worktree = git.addWorktree(tmp.resolve("wt"), "task", "main");

        worktree.ensureIgnored(".munero/");
        worktree.ensureIgnored(".munero/");

        assertThat(Files.readAllLines(repo.resolve(".git/info/exclude"))).containsExactly("/.munero/");
        Files.createDirectories(worktree.root().resolve(".munero"));
        Files.writeString(worktree.root().resolve(".munero/x"), "x");
        assertThat(worktree.isClean()).isTrue();
    }

    // ---- hooks and identity

    @Test
    void hooksThatRejectCommitsAndMergesDoNotRunOnCheckpoints() throws Exception {
        for (String hook : List.of("pre-commit", "commit-msg", "pre-merge-commit")) {
            Path file = Files.createDirectories(repo.resolve(".git/hooks")).resolve(hook);
            Files.writeString(file, "#!/bin/sh\necho \"" + hook + " ran\" >&2\nexit 1\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        write("a.txt", "a\n");
        // control: a plain commit (the hooks path given back) runs the hook
        assertThatThrownBy(() -> setup(repo, "-c", "core.hooksPath=" + repo.resolve(".git/hooks"), "-c",
                "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-a", "-m", "plain"))
                .hasMessageContaining("pre-commit ran");

        assertThat(git.commitAll("checkpoint")).isPresent();
        assertThat(git.commitAllowEmpty("empty checkpoint")).isNotEmpty();
        branchWith("side", Map.of());
        assertThat(git.merge("side", "merge side")).isInstanceOf(MergeResult.Merged.class);
        assertThat(log("%s")).isEqualTo("merge side\n");
    }

    @Test
    void commitsAndMergesWithoutAConfiguredEmailAreByMunero() throws Exception {
        write("a.txt", "a\n");
        git.commitAll("checkpoint").orElseThrow();
        assertThat(log("%an <%ae> / %cn <%ce>")).isEqualTo("Munero <munero@localhost> / Munero <munero@localhost>\n");

        branchWith("side", Map.of());
        git.merge("side", "merge side");
        assertThat(log("%an <%ae>")).isEqualTo("Munero <munero@localhost>\n");
        assertThat(setup(repo, "config", "--list", "--local")).doesNotContain("user.");
    }

    @Test
    void commitsUseTheUsersIdentityWhenItIsConfigured() throws Exception {
        setup(repo, "config", "user.name", "Ada");
        setup(repo, "config", "user.email", "ada@example.com");

        git.commitAllowEmpty("checkpoint");

        assertThat(log("%an <%ae>")).isEqualTo("Ada <ada@example.com>\n");
    }

    // ---- helpers

    private void write(String relative, String content) throws IOException {
        Path file = repo.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /**
     * Makes a branch one commit ahead of {@code main} in a worktree of its own, the commit adding {@code files}
     * (path to content; none: an empty commit).
     *
     * @return the commit
     */
    private String branchWith(String branch, Map<String, String> files) throws IOException, GitException {
        Git worktree = git.addWorktree(tmp.resolve(branch), branch, "main");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(worktree.root().resolve(file.getKey()), file.getValue());
        }
        return worktree.commitAllowEmpty("on " + branch);
    }

    /** The last commit of {@code repo}'s HEAD in {@code git log --format}. */
    private String log(String format) throws GitException {
        return setup(repo, "log", "-1", "--format=" + format);
    }

    /** A setup or inspection command, outside the code under test. */
    private static String setup(Path dir, String... args) throws GitException {
        return ISOLATED.check(dir, "set up the test", List.of(args));
    }

    private static void setupCommit(Path dir, String message) throws GitException {
        setup(dir, "add", "-A");
        setup(dir, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", message);
    }
}
