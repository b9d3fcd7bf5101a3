package dev.munero.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.agent.safety.Decision;
import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.safety.SandboxMode;
import dev.munero.agent.safety.SandboxSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, one regression test per escape class, through the agent's own tools with the sandbox the default mode
 * ({@code auto}) selects, and with the fallback where bubblewrap cannot start. Each asserts on the file system and
 * on the tool result (what the model is sent), never on log text.
 *
 * <p>The files live under the module's {@code target/}, not {@code /tmp} (which the sandbox replaces anyway), so
 * that "outside the workspace" is a real, writable place on the disk. HOME is a fake home with an SSH key and a
 * Munero config holding an API key.
 */
class ContainmentTest {
    private static final String KEY = "sk-ant-containment-key-4242";
    private static final String SSH = "-----BEGIN FAKE SSH KEY 777-----";
    private static final String SECRET = "the-secret-next-door-31337";

    private Path base;
    private Path workspace;
    private Path home;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
        base = Files.createTempDirectory(target, "containment-").toRealPath();
        workspace = Files.createDirectories(base.resolve("proj/ws"));
        Files.writeString(base.resolve("proj/secret.txt"), SECRET);
        home = Files.createDirectories(base.resolve("home"));
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/x"), SSH);
        Files.createDirectories(home.resolve(".config/munero"));
        Files.writeString(home.resolve(".config/munero/config.toml"),
                "[providers.anthropic]\napi_key = \"" + KEY + "\"\n");
        env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", home.toString());
        env.put("ANTHROPIC_API_KEY", KEY);
        env.put("LANG", "C.UTF-8");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(base)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The sandbox of the default mode, auto; these tests need it to be bubblewrap. */
    private static Sandbox defaultSandbox() throws Exception {
        Sandbox sandbox = Sandbox.select(SandboxMode.AUTO, SandboxSettings.DEFAULTS);
        assumeTrue(sandbox.contains(), "bubblewrap cannot start here (apt-get install bubblewrap): " + sandbox.describe());
        return sandbox;
    }

    private ToolContext context(Sandbox sandbox) {
        return ToolContext.builder(workspace).sandbox(sandbox).environment(env).build();
    }

    /** What the agent loop does: the permission gate first, then the tool; the text is what the model gets. */
    private static ToolResult command(ToolContext context, String command) throws Exception {
        RunCommandTool tool = new RunCommandTool();
        var input = Args.of("command", command);
        if (PermissionGate.check(tool, input, context) instanceof Decision.Deny deny) {
            return ToolResult.error(deny.reason());
        }
        return tool.execute(input, context);
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-c", "user.name=T", "-c", "user.email=t@e",
                "-C", dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git %s: %s", List.of(args), out).isZero();
        return out.strip();
    }

    @Test
    void asRootACommandHasNoCapabilityAndCannotRemountAReadOnlyDirectoryWritable() throws Exception {
        ToolContext context = context(defaultSandbox());
        Path outside = Files.createDirectories(base.resolve("outside"));

        ToolResult caps = command(context, "grep CapEff /proc/self/status");
        ToolResult remount = command(context, "mkdir -p m && mount --bind " + outside + " m && "
                + "mount -o remount,bind,rw m && echo pwned > m/pwned.txt");
        ToolResult root = command(context, "mount -o remount,rw / && echo pwned > " + outside.resolve("root.txt"));

        assertThat(caps.content()).contains("CapEff:\t0000000000000000");
        assertThat(remount.error()).isTrue();
        assertThat(root.error()).isTrue();
        assertThat(outside.resolve("pwned.txt")).doesNotExist();
        assertThat(outside.resolve("root.txt")).doesNotExist();
    }

    @Test
    void aCommandCannotPlantAHookOrAnFsmonitorInThePlainRepositorysGitDirectory() throws Exception {
        ToolContext context = context(defaultSandbox());
        git(workspace, "init", "-q", "-b", "main");
        byte[] config = Files.readAllBytes(workspace.resolve(".git/config"));

        ToolResult hook = command(context, "printf '#!/bin/sh\\ntouch " + base.resolve("hooked")
                + "\\n' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit");
        ToolResult fsmonitor = command(context, "git config core.fsmonitor 'touch " + base.resolve("monitored") + "'");
        ToolResult append = command(context, "echo '[core] hooksPath = /tmp' >> .git/config");

        assertThat(List.of(hook, fsmonitor, append)).allMatch(ToolResult::error);
        assertThat(workspace.resolve(".git/hooks/pre-commit")).doesNotExist();
        assertThat(Files.readAllBytes(workspace.resolve(".git/config"))).isEqualTo(config);
        // the workspace itself stays writable
        assertThat(command(context, "echo ok > made.txt").error()).isFalse();
        assertThat(workspace.resolve("made.txt")).hasContent("ok");
    }

    @Test
    void inARunsWorktreeNeitherItsGitDirNorTheMainRepositorysHooksAndConfigAreWritable() throws Exception {
        Sandbox sandbox = defaultSandbox();
        Path main = Files.createDirectories(base.resolve("main"));
        git(main, "init", "-q", "-b", "main");
        Files.writeString(main.resolve("README.md"), "hi\n");
        git(main, "add", "-A");
        git(main, "commit", "-q", "-m", "initial");
        Path worktree = main.resolve(".munero/worktrees/r1");
        git(main, "worktree", "add", "-q", "-b", "munero/r1", worktree.toString());
        workspace = worktree;
        ToolContext context = context(sandbox);
        Path gitDir = main.resolve(".git/worktrees/r1");
        byte[] config = Files.readAllBytes(main.resolve(".git/config"));
        byte[] dotGit = Files.readAllBytes(worktree.resolve(".git"));

        ToolResult results = command(context, String.join("; ",
                "echo '#!/bin/sh' > \"$(git rev-parse --git-common-dir)/hooks/post-checkout\"",
                "echo evil > \"$(git rev-parse --git-dir)/evil\"",
                "git config core.fsmonitor 'touch /tmp/x'",
                "echo 'gitdir: /somewhere/else' > .git",
                "git status --short >/dev/null && echo status-works"));

        assertThat(results.content()).contains("status-works");
        assertThat(main.resolve(".git/hooks/post-checkout")).doesNotExist();
        assertThat(gitDir.resolve("evil")).doesNotExist();
        assertThat(Files.readAllBytes(main.resolve(".git/config"))).isEqualTo(config);
        assertThat(Files.readAllBytes(worktree.resolve(".git"))).isEqualTo(dotGit);
    }

    @Test
    void homeIsHiddenNoSshKeyAndNoMuneroConfigWithItsApiKey() throws Exception {
        ToolContext context = context(defaultSandbox());

        ToolResult result = command(context, "cat ~/.ssh/x; cat ~/.config/munero/config.toml; cat " + home
                + "/.ssh/x; ls -a ~; echo home=$HOME");

        assertThat(result.content()).doesNotContain(SSH).doesNotContain(KEY).contains("home=" + home);
    }

    @Test
    void aBuildStepTheAgentWroteRunsInTheSandboxWithoutTheSecretTheKeyOrAWriteOutside() throws Exception {
        ToolContext context = context(defaultSandbox());
        Files.writeString(workspace.resolve("munero.yaml"), """
                steps:
                  - name: leak
                    command: "cat ../secret.txt; cat ~/.ssh/x; echo key=$ANTHROPIC_API_KEY; \
                cat /proc/*/environ | tr '\\\\0' '\\\\n' | grep -i key; echo pwned > %s; exit 1"
                    shell: true
                """.formatted(base.resolve("outside.txt")));

        ToolResult result = new BuildTool().execute(Args.of("targets", List.of("leak")), context);

        assertThat(result.content()).contains("FAILED leak", "key=").doesNotContain(SECRET).doesNotContain(SSH)
                .doesNotContain(KEY);
        assertThat(base.resolve("outside.txt")).doesNotExist();
        try (Stream<Path> logs = Files.walk(workspace.resolve(".munero"))) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(log)).as("%s", log).doesNotContain(KEY).doesNotContain(SECRET);
            }
        }
    }

    @Test
    void noProcessOutsideTheSandboxIsVisibleSoMunerosEnvironmentCannotBeRead() throws Exception {
        ToolContext context = context(defaultSandbox());
        long jvm = ProcessHandle.current().pid();

        ToolResult result = command(context, "cat /proc/$PPID/environ | tr '\\0' '\\n'; "
                + "test -e /proc/" + jvm + "/environ && echo munero-visible; ls /proc | grep -c '^[0-9]'");

        assertThat(result.content()).doesNotContain("munero-visible").doesNotContain(KEY);
        int processes = Integer.parseInt(result.content().lines().filter(l -> l.matches("\\d+")).reduce((a, b) -> b)
                .orElseThrow());
        assertThat(processes).as("only the sandbox's own few processes").isLessThan(10);
    }

    @Test
    void noHostSocketIsReachableNotTheDockerDaemonsNorAnAgentsUnderRun() throws Exception {
        ToolContext context = context(defaultSandbox());
        Path run = Path.of("/run");
        assumeTrue(Files.isWritable(run), "/run is not writable here, so no socket can be made in it");
        Path socket = run.resolve("munero-containment-" + ProcessHandle.current().pid() + ".sock");
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(socket));

            ToolResult result = command(context, "test -S " + socket + " && echo reachable; ls /run | wc -l");

            assertThat(result.content()).doesNotContain("reachable");
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    /** The formerly allow-listed programs, each asked to write {@code OUT} outside the workspace. */
    private List<String> writersOutside(Path out) throws IOException {
        Files.writeString(workspace.resolve("a.txt"), "b\na\n");
        Files.writeString(workspace.resolve("Makefile"), "all:\n\techo x > " + out + "\n");
        Files.writeString(workspace.resolve("conftest.py"), "open('" + out + "', 'w').write('x')\n");
        Files.writeString(workspace.resolve("Evil.java"), "class Evil { public static void main(String[] a) throws "
                + "Exception { java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + out + "\"), \"x\"); } }\n");
        return List.of("node -e \"require('fs').writeFileSync('" + out + "', 'x')\"",
                "python3 -c \"open('" + out + "', 'w').write('x')\"", "python3 -m pytest -q", "make",
                "java Evil.java", "sed -n 'w " + out + "' a.txt", "sort -o " + out + " a.txt", "uniq a.txt " + out,
                "git diff --no-index --output=" + out + " a.txt Makefile", "cat ~/.config/munero/config.toml",
                "cat /proc/$PPID/environ", "cat ../secret.txt");
    }

    @Test
    void withoutBubblewrapNoFormerlyAllowListedProgramRunsAndNothingIsWrittenOutside() throws Exception {
        // what auto gives where bubblewrap cannot start
        ToolContext context = context(new Sandbox.Unavailable("bwrap is not on the PATH (test)"));
        Path out = base.resolve("written-outside.txt");

        for (String line : writersOutside(out)) {
            ToolResult result = command(context, line);
            ToolResult direct = new RunCommandTool().execute(Args.of("command", line), context);

            assertThat(result.error()).as(line).isTrue();
            assertThat(result.content()).as(line).startsWith("not run: ").doesNotContain(KEY);
            assertThat(direct.content()).as("the tool refuses it itself: " + line).startsWith("not run: ");
            assertThat(out).as(line).doesNotExist();
        }
        // read-only commands on the allow list still run
        assertThat(command(context, "cat a.txt | grep b").content()).isEqualTo("b\nexit code 0");
    }

    @Test
    void inTheSandboxTheFormerlyAllowListedProgramsRunButWriteNothingOutside() throws Exception {
        ToolContext context = context(defaultSandbox());
        Path out = base.resolve("written-outside.txt");

        for (String line : writersOutside(out)) {
            ToolResult result = command(context, line);

            assertThat(result.content()).as(line).doesNotContain(KEY).doesNotContain(SECRET);
            assertThat(out).as(line).doesNotExist();
        }
    }
}
