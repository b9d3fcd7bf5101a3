package dev.munero.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.agent.safety.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandToolTest {
    @TempDir
    Path workspace;

    private final RunCommandTool tool = new RunCommandTool();

    private ToolResult run(ToolContext context, Object... args) throws Exception {
        return tool.execute(Args.of(args), context);
    }

    private ToolContext context() {
        return ToolContext.builder(workspace).build();
    }

    @Test
    void runsInTheWorkspaceAndEndsWithTheExitCode() throws Exception {
        ToolResult result = run(context(), "command", "pwd; echo to-stderr >&2");

        assertThat(result.error()).isFalse();
        assertThat(result.content()).isEqualTo(workspace.toRealPath() + "\nto-stderr\nexit code 0");
    }

    @Test
    void aNonZeroExitIsAnErrorResultWithTheOutput() throws Exception {
        ToolResult result = run(context(), "command", "echo failing; exit 3");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).isEqualTo("failing\nexit code 3");
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() throws Exception {
        String marker = "599." + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        ToolContext context = ToolContext.builder(workspace).commandTimeout(Duration.ofMinutes(10)).build();
        long start = System.nanoTime();

        ToolResult result = run(context, "command", "echo started; sleep " + marker + " & sleep " + marker,
                "timeout_seconds", 1);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(5)); // far below the sleep: the 1 s timeout killed it (issue 11: caps for a loaded machine)
        assertThat(result.error()).isTrue();
        assertThat(result.content()).startsWith("started\n")
                .endsWith("\ntimed out after 1 s: the command and its child processes were killed");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> String.join(" ", a).contains(marker)).orElse(false)).toList())
                .as("no sleep child survives").isEmpty();
    }

    @Test
    void commandsDoNotSeeSecretsFromTheEnvironment() throws Exception {
        ToolContext context = ToolContext.builder(workspace).environment(Map.of("PATH", System.getenv("PATH"),
                "ANTHROPIC_API_KEY", "sk-ant-test", "GITHUB_TOKEN", "ghp-test", "MUNERO_VISIBLE", "yes")).build();

        ToolResult result = run(context, "command", "env");

        assertThat(result.content()).contains("MUNERO_VISIBLE=yes").doesNotContain("ANTHROPIC_API_KEY", "sk-ant-test",
                "GITHUB_TOKEN", "ghp-test");
    }

    @Test
    void longOutputKeepsItsHeadAndTail() throws Exception {
        ToolContext context = ToolContext.builder(workspace).maxOutputChars(1_000).build();

        ToolResult result = run(context, "command", "seq 1 100000");

        assertThat(result.content().length()).isLessThan(1_200);
        assertThat(result.content()).startsWith("1\n2\n3\n").endsWith("99999\n100000\nexit code 0")
                .containsPattern("\\[\\.\\.\\. \\d+ bytes in \\d+ lines cut \\.\\.\\.]");
    }

    @Test
    void aDeniedCommandNeverRunsWhoeverCallsTheTool() throws Exception {
        ToolResult result = run(context(), "command", "touch ran && git push origin main");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).startsWith("denied by policy: git push is never allowed");
        assertThat(workspace.resolve("ran")).doesNotExist();
    }

    @Test
    void inTheSandboxCommandsWriteOnlyTheWorkspace() throws Exception {
        assumeTrue(Sandbox.bubblewrapAvailable(), "bwrap is not installed");
        Path userDir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "run-command-outside-");
        try {
            ToolContext context = ToolContext.builder(workspace).sandbox(Sandbox.bubblewrap()).build();

            ToolResult inside = run(context, "command", "echo in > inside.txt && cat inside.txt");
            ToolResult outside = run(context, "command", "echo out > " + userDir.resolve("outside.txt"));

            assertThat(inside.content()).isEqualTo("in\nexit code 0");
            assertThat(outside.error()).isTrue();
            // read-only root; or, when the checkout itself is under /tmp, the sandbox's private /tmp hides it
            assertThat(outside.content()).containsAnyOf("Read-only file system", "Directory nonexistent");
            assertThat(userDir.resolve("outside.txt")).doesNotExist();
        } finally {
            Files.deleteIfExists(userDir.resolve("outside.txt"));
            Files.delete(userDir);
        }
    }
}
