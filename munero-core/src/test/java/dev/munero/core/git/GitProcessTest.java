package dev.munero.core.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitProcessTest {

    @TempDir
    Path tmp;

    @Test
    void theChildEnvironmentCannotBeRedirectedToAnotherRepository() {
        Map<String, String> inherited = Map.of("GIT_DIR", "/elsewhere/.git", "GIT_WORK_TREE", "/elsewhere",
                "GIT_INDEX_FILE", "/elsewhere/index", "GIT_COMMON_DIR", "/elsewhere/.git",
                "GIT_OBJECT_DIRECTORY", "/elsewhere/objects", "HOME", "/home/u", "LC_ALL", "de_DE.UTF-8");

        Map<String, String> env = GitProcess.environment(inherited, Map.of("GIT_CONFIG_NOSYSTEM", "1"));

        assertThat(env).doesNotContainKeys("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
                        "GIT_OBJECT_DIRECTORY")
                .containsEntry("HOME", "/home/u")
                .containsEntry("LC_ALL", "C")
                .containsEntry("GIT_TERMINAL_PROMPT", "0")
                .containsEntry("GIT_PAGER", "cat")
                .containsEntry("GIT_CONFIG_NOSYSTEM", "1");
    }

    @Test
    void aFailureNamesWhatFailedTheCommandLineTheExitCodeAndTheLastLinesOfStderr() {
        GitProcess git = new GitProcess("git", Map.of());
        String stderr = IntStream.rangeClosed(1, 30).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));

        GitException e = git.failure("commit", tmp, List.of("commit", "-m", "it's done"),
                new GitProcess.Output(1, "", stderr + "\n"));

        assertThat(e.getMessage())
                .startsWith("cannot commit: git -C " + tmp + " commit -m 'it'\\''s done' exited with 1:\n")
                .endsWith("line 21\nline 22\nline 23\nline 24\nline 25\nline 26\nline 27\nline 28\nline 29\nline 30")
                .doesNotContain("line 20\n");
    }

    @Test
    void aFailureWithAnEmptyStderrShowsTheEndOfStdout() {
        GitException e = GitProcess.DEFAULT.failure("commit", tmp, List.of("commit"),
                new GitProcess.Output(1, "On branch main\nnothing to commit, working tree clean\n", ""));

        assertThat(e.getMessage()).endsWith("exited with 1:\nOn branch main\nnothing to commit, working tree clean");
    }

    @Test
    void longArgumentsAreCutShortInTheCommandLine() {
        String message = "x".repeat(500);

        assertThat(GitProcess.commandLine(List.of("git", "commit", "-m", message)))
                .isEqualTo("git commit -m " + "x".repeat(80) + "...");
    }

    @Test
    void runReturnsEveryExitCodeWithStdoutAndStderr() throws GitException {
        GitProcess.Output output = GitProcess.DEFAULT.run(tmp, List.of("rev-parse", "--show-toplevel"));

        assertThat(output.exitCode()).isEqualTo(128);
        assertThat(output.stderr()).contains("not a git repository");
        assertThat(output.stdout()).isEmpty();
    }

    @Test
    void aBlankProgramIsRejected() {
        assertThatThrownBy(() -> new GitProcess(" ", Map.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
