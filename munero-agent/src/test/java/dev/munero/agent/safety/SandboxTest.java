package dev.munero.agent.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTest {
    @TempDir
    Path temp;

    private Path workspace;
    private Path outside;

    @BeforeEach
    void setUp() throws IOException {
        workspace = Files.createDirectories(temp.resolve("ws")).toRealPath();
        outside = Files.createDirectories(temp.resolve("outside")).toRealPath();
    }

    /** Runs {@code script} with sh in {@code sandbox}; returns exit code and output. */
    private Result run(Sandbox sandbox, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(sandbox.wrap(List.of("sh", "-c", script), workspace))
                .directory(workspace.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    private record Result(int exitCode, String output) {
    }

    @Test
    void noSandboxRunsTheCommandAsItIs() {
        assertThat(Sandbox.none().wrap(List.of("sh", "-c", "true"), workspace)).containsExactly("sh", "-c", "true");
    }

    @Test
    void bubblewrapMountsTheWorkspaceWritableWithoutNetwork() {
        Sandbox.Bubblewrap bwrap = new Sandbox.Bubblewrap(Path.of("/usr/bin/bwrap"));

        List<String> argv = bwrap.wrap(List.of("sh", "-c", "make"), workspace);

        assertThat(argv).startsWith("/usr/bin/bwrap", "--ro-bind", "/", "/").endsWith("--", "sh", "-c", "make");
        assertThat(String.join(" ", argv)).contains("--bind " + workspace + " " + workspace, "--unshare-net",
                "--unshare-pid", "--die-with-parent", "--chdir " + workspace, "--tmpfs /tmp", "--dev /dev",
                "--proc /proc");
    }

    @Test
    void bubblewrapDropsEveryCapabilityHidesHomeBindsCachesBackAndKeepsGitReadOnly() throws IOException {
        // issue 10: the argument list, built in one place
        Path home = Files.createDirectories(temp.resolve("home"));
        Files.createDirectories(home.resolve(".m2/repository"));
        Path workspace = Files.createDirectories(temp.resolve("proj/ws"));
        Files.createDirectories(workspace.resolve(".git"));
        Sandbox.Bubblewrap bwrap = new Sandbox.Bubblewrap(Path.of("/usr/bin/bwrap"));

        String argv = String.join(" ", bwrap.wrap(List.of("true"), workspace, workspace.resolve("sub"),
                java.util.Map.of("HOME", home.toString(), "PATH", "/usr/bin")));

        assertThat(argv).contains("--cap-drop ALL", "--unshare-uts", "--unshare-ipc", "--new-session",
                "--tmpfs " + home + " ", "--tmpfs " + workspace.getParent() + " ",
                "--ro-bind-try " + home.resolve(".m2/repository") + " " + home.resolve(".m2/repository"),
                "--ro-bind " + workspace.resolve(".git") + " " + workspace.resolve(".git"),
                "--chdir " + workspace.resolve("sub") + " --");
        assertThat(argv.indexOf("--tmpfs " + home)).isLessThan(argv.indexOf("--ro-bind-try"));
        assertThat(argv.indexOf("--bind " + workspace)).isLessThan(argv.indexOf("--ro-bind " + workspace.resolve(".git")));
    }

    @Test
    void aBadSandboxTableInTheUserConfigNamesTheFileAndTheKey() {
        var tree = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        tree.putObject("sandbox").put("caches", "~/.m2");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SandboxSettings.fromConfig(tree, "/u/config.toml"))
                .hasMessage("/u/config.toml: [sandbox] caches must be a list of paths, e.g. [\"~/.m2/repository\"]");
    }

    @Test
    void inBubblewrapAWriteInsideTheWorkspaceSucceedsAndOneOutsideFails() throws Exception {
        assumeTrue(Sandbox.bubblewrapAvailable(), "bwrap is not installed");
        Sandbox sandbox = Sandbox.bubblewrap();
        // outside /tmp, which the sandbox replaces with an empty tmpfs: a directory the user can write to
        Path userDir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "sandbox-outside-");
        try {
            Result inside = run(sandbox, "echo in > made-inside.txt");
            Result out = run(sandbox, "echo out > " + userDir.resolve("made-outside.txt"));
            Result tmp = run(sandbox, "echo out > " + outside.resolve("made-outside.txt"));

            assertThat(inside.exitCode()).as(inside.output()).isZero();
            assertThat(workspace.resolve("made-inside.txt")).hasContent("in");
            assertThat(out.exitCode()).isNotZero();
            // read-only root; or, when the checkout itself is under /tmp, the sandbox's private /tmp hides it
            assertThat(out.output()).containsAnyOf("Read-only file system", "Directory nonexistent");
            assertThat(userDir.resolve("made-outside.txt")).doesNotExist();
            assertThat(tmp.exitCode()).isNotZero();
            assertThat(outside.resolve("made-outside.txt")).doesNotExist();
        } finally {
            Files.deleteIfExists(userDir.resolve("made-outside.txt"));
            Files.delete(userDir);
        }
    }

    @Test
    void inBubblewrapThereIsNoNetworkNotEvenToThisMachine() throws Exception {
        assumeTrue(Sandbox.bubblewrapAvailable(), "bwrap is not installed");
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is not installed");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String connect = "bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo connected'";

            Result direct = run(Sandbox.none(), connect);
            Result sandboxed = run(Sandbox.bubblewrap(), connect);

            assertThat(direct.output()).as("control: the port is reachable without the sandbox").contains("connected");
            assertThat(sandboxed.exitCode()).isNotZero();
            assertThat(sandboxed.output()).doesNotContain("connected");
        }
    }

    @Test
    void withoutBwrapOnThePathTheSandboxSaysWhatToInstall() {
        assumeTrue(!Sandbox.bubblewrapAvailable(), "bwrap works here; the message is checked where it does not");
        org.assertj.core.api.Assertions.assertThatThrownBy(Sandbox::bubblewrap)
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("apt-get install bubblewrap");
    }
}
