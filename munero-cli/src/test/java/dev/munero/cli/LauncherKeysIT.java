package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.RecordedRequest;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, "no key reachable from any command", through the real {@code ./munero} launcher and the packaged jar (run
 * by failsafe after {@code package}): without the sandbox a command runs as the user and can read every process's
 * {@code /proc/<pid>/environ}, so the launcher moves the keys out of Munero's own process environment before it starts
 * the JVM (see {@link LauncherSecrets}); the provider still gets its key, and the user's own build still passes it to
 * its steps.
 */
class LauncherKeysIT {
    private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("munero");
    private static final String MODEL = "anthropic:claude-sonnet-4-6";
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper
            .builder().build();
    /** A fresh key per run, so no other process on the machine can hold it by chance. */
    private final String key = "sk-ant-test-" + UUID.randomUUID();

    @TempDir
    Path dir;
    private Path repo;
    private Path home;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isExecutable(LAUNCHER), "runs from the munero-cli module of a checkout");
        home = Files.createDirectories(dir.resolve("home"));
        repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("README.md"), "hello\n");
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("commit", "-q", "-m", "initial");
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        if (System.getenv("JAVA_HOME") != null) {
            env.put("JAVA_HOME", System.getenv("JAVA_HOME"));
        }
        env.put("HOME", home.toString());
        env.put("MUNERO_DAEMON_DIR", dir.resolve("daemon").toString());
        env.put("ANTHROPIC_API_KEY", key);
        env.put("MY_SERVICE_TOKEN", "token-with\nnewline=and equals");
        env.put("MUNERO_DEBUG", "1");
        return env;
    }

    private String launch(Map<String, String> env, String... args) throws Exception {
        Result r = start(env, args);
        assertThat(r.exitCode()).as(r.output()).isZero();
        return r.output();
    }

    private record Result(int exitCode, String output) {
    }

    private Result start(Map<String, String> env, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(LAUNCHER.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(repo.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        // generous: the first start of a freshly built jar makes its AOT cache with a training run
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void aCommandRunWithoutTheSandboxFindsTheKeyInNoProcessEnvironmentYetTheProviderAuthenticatesWithIt()
            throws Exception {
        // issue 10: the JVM's own environ, and every process's, read and base64-encoded so that the redaction of
        // literal key values in tool results cannot hide a leak; of every process only the lines with this test's
        // markers are kept (the test looks for its own key, not at anyone else's)
        String command = "printf 'PARENT=%s;\\n' \"$(base64 -w0 /proc/$PPID/environ)\"; "
                + "printf 'ALL=%s;\\n' \"$(for p in /proc/[0-9]*; do cat $p/environ 2>/dev/null; done "
                + "| tr '\\0' '\\n' | grep -a -e sk-ant-test- -e token-with | base64 -w0)\"; "
                + "f=$(tr '\\0' '\\n' < /proc/$PPID/cmdline | sed -n 's/^-Dmunero.secrets=//p'); "
                + "if [ -n \"$f\" ] && [ ! -e \"$f\" ] && [ ! -e \"$(dirname \"$f\")\" ]; then echo SECRETS_FILE=gone; "
                + "else echo \"SECRETS_FILE=[$f]\"; fi; echo done";
        List<RecordedRequest> requests;
        String out;
        try (FakeAnthropicServer server = new FakeAnthropicServer(key).start()) {
            server.expect(RequestCheck.lastUserMessageContains("Find the key"),
                            Reply.toolCall("toolu_1", "run_command", JSON.createObjectNode()
                                    .put("command", command).toString()))
                    .expect(RequestCheck.hasToolResult("toolu_1", "done"),
                            Reply.toolCall("toolu_2", "finish", "{\"summary\":\"looked\"}"));
            Map<String, String> env = environment();
            env.put("ANTHROPIC_BASE_URL", server.baseUrl());
            out = launch(env, "agent", "-C", repo.toString(), "--task", "Find the key", "--model", MODEL,
                    "--sandbox", "off", "--permission-mode", "full");
            assertThat(server.failures()).as(out).isEmpty();
            requests = server.requests();
        }
        assertThat(requests).as(out).hasSize(2);
        for (RecordedRequest r : requests) {
            assertThat(r.header("x-api-key")).as("the provider authenticated with the user's key").contains(key);
        }
        String result = requests.get(1).body();
        String parent = decode(result, "PARENT");
        assertThat(parent).as("Munero's own environ was read").contains("ANTHROPIC_BASE_URL=")
                .doesNotContain(key).doesNotContain("ANTHROPIC_API_KEY").doesNotContain("MY_SERVICE_TOKEN");
        assertThat(decode(result, "ALL")).doesNotContain(key).doesNotContain("token-with");
        assertThat(result).as("the file the launcher passed the keys in is deleted at start-up")
                .contains("SECRETS_FILE=gone");
        for (RecordedRequest r : requests) {
            assertThat(r.body()).doesNotContain(key);
        }
    }

    @Test
    void theStepsOfTheUsersOwnBuildSeeTheKeysWhileMuneroItselfHoldsNone() throws Exception {
        Files.writeString(repo.resolve("munero.yaml"), """
                steps:
                  - name: keys
                    command: |
                      printf '%s' "${ANTHROPIC_API_KEY-unset}" > key.txt
                      printf '%s' "${MY_SERVICE_TOKEN-unset}" > token.txt
                      tr '\\0' '\\n' < /proc/$PPID/environ > parent-environ.txt
                    shell: true
                    outputs: [key.txt, token.txt, parent-environ.txt]
                    cache: false
                """);
        Map<String, String> env = environment();
        env.put("MUNERO_DAEMON", "0");
        launch(env, "build");
        assertStepSawTheKeysAndItsParentNone();

        // through the daemon: the client sends the user's whole environment for the steps; the daemon's own process
        // and the client's hold no key
        env.put("MUNERO_DAEMON", "1");
        env.put("MUNERO_DAEMON_IDLE_MINUTES", "5");
        try {
            launch(env, "build");
            assertStepSawTheKeysAndItsParentNone();
        } finally {
            start(env, "daemon", "stop"); // the daemon this test started; a failed build above may have none
        }
    }

    private void assertStepSawTheKeysAndItsParentNone() throws Exception {
        assertThat(Files.readString(repo.resolve("key.txt"))).isEqualTo(key);
        assertThat(Files.readString(repo.resolve("token.txt"))).isEqualTo("token-with\nnewline=and equals");
        assertThat(Files.readString(repo.resolve("parent-environ.txt"))).contains("HOME=" + home)
                .doesNotContain(key).doesNotContain("ANTHROPIC_API_KEY").doesNotContain("token-with");
    }

    /** The base64 text printed as {@code NAME=<base64>;} in a request body, decoded. */
    private static String decode(String body, String name) {
        Matcher m = Pattern.compile(name + "=([A-Za-z0-9+/=]*);").matcher(body);
        assertThat(m.find()).as("%s in %s", name, body).isTrue();
        return new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.ISO_8859_1);
    }

    private void git(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "user.name=T", "-c", "user.email=t@e", "-C",
                repo.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }
}
