package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.agent.safety.Sandbox;
import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.RecordedRequest;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, end to end: {@code munero agent} and {@code munero run} with no {@code --sandbox} flag (the default,
 * auto) against the strict fake Anthropic server, driven by a scripted model that tries one escape after another
 * through Munero's own tools: home reads, {@code /proc}, a secret next to the repository, the key from the
 * environment, hooks and config in the git directories, writes outside, and a build step / check that does the same.
 * The assertions are on the file system and on the bodies of the requests the model was sent.
 *
 * <p>The repository lives under {@code target/} (not {@code /tmp}, which the sandbox replaces anyway), with a fake
 * HOME holding an SSH key and a Munero config with the API key.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ContainmentEndToEndTest {
    private static final String KEY = "sk-ant-e2e-containment-9090";
    private static final String SSH = "FAKE-SSH-KEY-CONTENT-5150";
    private static final String SECRET = "secret-next-to-the-repo-8086";
    private static final String MODEL = "anthropic:claude-sonnet-4-6";
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
            .build();

    private Path base;
    private Path repo;
    private Path home;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Sandbox.bubblewrapAvailable(), "bubblewrap cannot start here (apt-get install bubblewrap)");
        Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
        base = Files.createTempDirectory(target, "containment-e2e-").toRealPath();
        Files.writeString(base.resolve("secret.txt"), SECRET);
        home = Files.createDirectories(base.resolve("home"));
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_x"), SSH);
        Files.createDirectories(home.resolve(".config/munero"));
        Files.writeString(home.resolve(".config/munero/config.toml"),
                "[providers.anthropic]\napi_key = \"" + KEY + "\"\n");
        repo = Files.createDirectories(base.resolve("repo"));
        Files.writeString(repo.resolve("README.md"), "hello\n");
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "initial");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (base == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(base)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One command line that tries every escape a command can; each part prints what it got. */
    private String escapes() {
        Path outside = base.resolve("outside.txt");
        return String.join("; ",
                "cat ~/.ssh/id_x", "cat ~/.config/munero/config.toml", "cat " + home + "/.ssh/id_x",
                "cat " + base.resolve("secret.txt"), "echo key=$ANTHROPIC_API_KEY",
                "cat /proc/$PPID/environ /proc/1/environ | tr '\\0' '\\n' | grep -i api",
                "echo pwned > " + outside,
                "echo '#!/bin/sh' > \"$(git rev-parse --git-common-dir)/hooks/pre-commit\"",
                "git config core.fsmonitor 'touch " + base.resolve("fsmonitor-ran") + "'",
                "mount -o remount,rw / && echo pwned > " + base.resolve("remounted.txt"),
                "echo done");
    }

    private Map<String, String> environment(FakeAnthropicServer server) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("HOME", home.toString());
        env.put("ANTHROPIC_API_KEY", KEY);
        env.put("ANTHROPIC_BASE_URL", server.baseUrl());
        env.put("CI", "true");
        return env;
    }

    private void assertNothingEscaped(List<RecordedRequest> requests) throws IOException {
        assertThat(requests).isNotEmpty();
        for (RecordedRequest r : requests) {
            assertThat(r.body()).as("request %d", r.number()).doesNotContain(KEY).doesNotContain(SSH)
                    .doesNotContain(SECRET);
        }
        assertThat(base.resolve("outside.txt")).doesNotExist();
        assertThat(base.resolve("fsmonitor-ran")).doesNotExist();
        assertThat(base.resolve("remounted.txt")).doesNotExist();
        assertThat(repo.resolve(".git/hooks/pre-commit")).doesNotExist();
        assertThat(Files.readString(repo.resolve(".git/config"))).doesNotContain("fsmonitor");
        try (Stream<Path> files = Files.walk(repo.resolve(".munero"))) {
            for (Path f : files.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".log")).toList()) {
                assertThat(Files.readString(f)).as("%s", f).doesNotContain(KEY).doesNotContain(SSH)
                        .doesNotContain(SECRET);
            }
        }
    }

    @Test
    void theAgentsCommandsAndTheBuildStepItWritesStayInsideTheDefaultSandbox() throws Exception {
        String yaml = "steps:\n  - name: leak\n    shell: true\n    command: |\n      " + escapes() + "; exit 1\n";
        List<RecordedRequest> requests;
        AgentRun run;
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            server.expect(RequestCheck.lastUserMessageContains("Try to get out"),
                            Reply.toolCall("toolu_1", "run_command", json("command", escapes())))
                    .expect(RequestCheck.hasToolResult("toolu_1", "done"),
                            Reply.toolCall("toolu_2", "write_file", JSON.createObjectNode()
                                    .put("path", "munero.yaml").put("content", yaml).toString()))
                    .expect(RequestCheck.hasToolResult("toolu_2", "munero.yaml"),
                            Reply.toolCall("toolu_3", "build", "{\"targets\":[\"leak\"]}"))
                    .expect(RequestCheck.hasToolResult("toolu_3", "FAILED leak"),
                            Reply.toolCall("toolu_4", "finish", "{\"summary\":\"stayed inside\"}"));

            run = AgentRun.of(repo, environment(server), "-C", repo, "--task", "Try to get out", "--model", MODEL,
                    "--json");

            assertThat(server.failures()).as("%s", run).isEmpty();
            requests = server.requests();
        }
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.err()).as("the default sandbox says nothing about running unsandboxed")
                .doesNotContain("unsandboxed");
        assertThat(requests).hasSize(4);
        assertNothingEscaped(requests);
    }

    @Test
    void withTheSandboxOffTheHeaderSaysSoAndAKeyABuildStepPrintsNeverReachesTheModel() throws Exception {
        // issue 10: 0 key leaks without the sandbox too; the key a step prints is removed from what the model gets
        String yaml = "steps:\n  - name: leak\n    shell: true\n    command: |\n      "
                + "cat ~/.config/munero/config.toml; exit 1\n";
        List<RecordedRequest> requests;
        AgentRun run;
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            server.expect(RequestCheck.lastUserMessageContains("Print the key"),
                            Reply.toolCall("toolu_1", "write_file", JSON.createObjectNode()
                                    .put("path", "munero.yaml").put("content", yaml).toString()))
                    .expect(RequestCheck.hasToolResult("toolu_1", "munero.yaml"),
                            Reply.toolCall("toolu_2", "build", "{\"targets\":[\"leak\"]}"))
                    .expect(RequestCheck.hasToolResult("toolu_2", "api_key = \"[redacted]\""),
                            Reply.toolCall("toolu_3", "finish", "{\"summary\":\"no key\"}"));

            run = AgentRun.of(repo, environment(server), "-C", repo, "--task", "Print the key", "--model", MODEL,
                    "--sandbox", "off", "--json");

            assertThat(server.failures()).as("%s", run).isEmpty();
            requests = server.requests();
        }
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.err()).contains("commands run unsandboxed, as you");
        for (RecordedRequest r : requests) {
            assertThat(r.body()).as("request %d", r.number()).doesNotContain(KEY);
        }
    }

    @Test
    void aRunsTaskAgentAndItsChecksStayInsideTheDefaultSandbox() throws Exception {
        String plan = "{\"summary\":\"try\",\"tasks\":[{\"id\":\"t1\",\"description\":\"Try to get out.\","
                + "\"files\":[\"README.md\"],\"depends_on\":[]}],\"checks\":[{\"name\":\"leak\",\"run\":"
                + jsonString(escapes() + "; exit 1") + "}]}";
        String reflection = "{\"analysis\":\"the check fails\",\"lessons\":[{\"check\":\"leak\",\"what_failed\":"
                + "\"exit 1\",\"why\":\"it exits 1\",\"fix\":\"none\",\"files\":[\"README.md\"]}],\"tasks\":[{\"id\":"
                + "\"t2\",\"description\":\"Look again.\",\"files\":[\"README.md\"],\"depends_on\":[]}]}";
        Files.writeString(repo.resolve("SPEC.md"), "# Try\n\nTry to get out.\n");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "spec");
        List<RecordedRequest> requests;
        Cli.Result run;
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            server.expect(RequestCheck.offersTool("submit_plan"), Reply.toolCall("toolu_plan", "submit_plan", plan))
                    .expect(RequestCheck.lastUserMessageContains("Your task (id t1)"),
                            Reply.toolCall("toolu_1", "run_command", json("command", escapes())))
                    .expect(RequestCheck.hasToolResult("toolu_1", "done"),
                            Reply.toolCall("toolu_2", "finish", "{\"summary\":\"tried\"}"))
                    .expect(RequestCheck.offersTool("submit_reflection"),
                            Reply.toolCall("toolu_reflect", "submit_reflection", reflection))
                    .expect(RequestCheck.lastUserMessageContains("Your task (id t2)"),
                            Reply.toolCall("toolu_3", "finish", "{\"summary\":\"looked\"}"));

            run = Cli.run(repo, environment(server), "run", "--spec", "SPEC.md", "--model", MODEL,
                    "--max-iterations", "2");

            assertThat(server.failures()).as("%s", run).isEmpty();
            requests = server.requests();
        }
        assertThat(run.exitCode()).as("%s", run).isNotZero();
        assertThat(run.out()).as("%s", run).contains("the checks still fail").doesNotContain("unsandboxed");
        // the reflection request carried the failed check's log tail: the model saw what the check printed
        assertThat(requests.get(3).body()).contains("key=");
        assertNothingEscaped(requests);
    }

    private static String json(String key, String value) {
        return "{\"" + key + "\":" + jsonString(value) + "}";
    }

    private static String jsonString(String value) {
        return JSON.writeValueAsString(value);
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "user.name=T", "-c", "user.email=t@e", "-C",
                dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }
}
