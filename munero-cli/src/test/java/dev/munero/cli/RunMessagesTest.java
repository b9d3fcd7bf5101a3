package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code munero run} says to a user who got something wrong, tried from a directory other than the
 * repository's, against the strict local fake of the Anthropic API (issue 11).
 */
class RunMessagesTest {
    private static final String KEY = "sk-ant-test-messages";

    @TempDir
    Path tmp;

    @Test
    void askWithoutATerminalFailsBeforeAnyModelCallSayingWhatToUse() throws Exception { // issue 11.7
        Path repo = repository();
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            Cli.Result run = Cli.run(tmp, env(server), "run", "-C", "repo", "--spec", "repo/SPEC.md",
                    "--permission-mode", "ask");

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("permission mode ask (--permission-mode)", "without a terminal",
                    "--permission-mode auto-edit", "munero agent on a terminal");
            assertThat(server.requests()).isEmpty();
        }
        assertThat(repo.resolve(".munero/munero.db")).doesNotExist();
    }

    @Test
    void askFromMuneroYamlIsRefusedNamingItsLine() throws Exception { // issue 11.7
        Path repo = repository();
        Cli.write(repo, "munero.yaml", "run:\n  permission_mode: ask\nsteps:\n  - name: test\n    command: [\"true\"]\n");
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            Cli.Result run = Cli.run(repo, env(server), "run", "--spec", "SPEC.md");

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("permission mode ask (munero.yaml:2)");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void anUnpricedModelIsWarnedAboutAtTheStartAndRefusedUnderABudgetBeforeAnyCall() throws Exception { // 11.10
        repository();
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            Cli.Result budgeted = Cli.run(tmp, env(server), "run", "-C", "repo", "--spec", "repo/SPEC.md", "--model",
                    "anthropic:x", "--budget-usd", "1");

            assertThat(budgeted.exitCode()).isEqualTo(2);
            assertThat(budgeted.err()).contains("a budget (--budget-usd) needs the price of anthropic:x, and "
                    + "Munero has none", "models.toml", "or run without a budget");
            assertThat(server.requests()).isEmpty();

            // without a budget the run starts, saying first that its cost will be unknown
            server.expect(Reply.error(400).message("no such model: x"));
            Cli.Result unbudgeted = Cli.run(tmp, env(server), "run", "-C", "repo", "--spec", "repo/SPEC.md",
                    "--model", "anthropic:x");

            assertThat(unbudgeted.out().lines().findFirst().orElse("")).startsWith("munero: warning: anthropic:x has "
                    + "no known price").contains("its cost will be shown as unknown");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void aMissingSpecRecordingOrTaskFileSaysNoSuchFileOnce() throws Exception { // issue 11.11
        repository();
        Map<String, String> env = env(null);

        Cli.Result spec = Cli.run(tmp, env, "run", "-C", "repo", "--spec", "nosuch.md");
        Cli.Result replay = Cli.run(tmp, env, "run", "-C", "repo", "--spec", "repo/SPEC.md", "--replay", "none.jsonl");
        Cli.Result task = Cli.run(tmp, env, "agent", "-C", "repo", "--task-file", "nosuch.md");

        assertThat(spec.exitCode()).isEqualTo(2);
        assertThat(spec.err().strip()).isEqualTo("munero: error: cannot read the spec " + tmp.resolve("nosuch.md")
                + ": no such file");
        assertThat(replay.exitCode()).isEqualTo(2);
        assertThat(replay.err().strip()).isEqualTo("munero: error: cannot read the recording "
                + tmp.resolve("none.jsonl") + ": no such file");
        assertThat(task.exitCode()).isEqualTo(2);
        assertThat(task.err().strip()).isEqualTo("munero: error: cannot read the task file "
                + tmp.resolve("nosuch.md") + ": no such file");
    }

    @Test
    void anUnknownProviderSuggestsTheDefaultModel() throws Exception { // issue 11.11
        repository();

        Cli.Result run = Cli.run(tmp, env(null), "run", "-C", "repo", "--spec", "repo/SPEC.md", "--model", "x:y");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown provider 'x'", "anthropic:claude-sonnet-4-6, the default");
    }

    @Test
    void helpIsACommandAndRunsHelpListsEveryPermissionMode() { // issue 11.11
        Cli.Result help = Cli.run(tmp, env(null), "help");
        Cli.Result helpRun = Cli.run(tmp, env(null), "help", "run");
        Cli.Result runHelp = Cli.run(tmp, env(null), "run", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: munero", "demo", "run");
        assertThat(helpRun.out()).contains("Usage: munero run");
        assertThat(runHelp.out().replaceAll("\\s+", " ")).contains("auto-edit", "full", "ask is refused");
    }

    /** {@code tmp/repo}: a git repository with a commit and a spec. */
    private Path repository() throws IOException, InterruptedException {
        Path repo = tmp.resolve("repo");
        Cli.write(repo, "SPEC.md", "Make it so.\n");
        git(repo, "init", "-q");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "initial");
        return repo;
    }

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    private static Map<String, String> env(FakeAnthropicServer server) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("HOME", System.getProperty("user.home"));
        env.put("MUNERO_CONFIG", "/nonexistent/munero/config.toml");
        env.put("CI", "true");
        if (server != null) {
            env.put("ANTHROPIC_API_KEY", KEY);
            env.put("ANTHROPIC_BASE_URL", server.baseUrl());
        }
        return env;
    }
}
