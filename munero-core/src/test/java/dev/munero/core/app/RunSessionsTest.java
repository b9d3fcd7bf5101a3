package dev.munero.core.app;

import dev.munero.core.ExampleRepos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.agent.safety.SandboxMode;
import dev.munero.core.BuildManager;
import dev.munero.core.events.EventBus;
import dev.munero.core.events.RunEvent;
import dev.munero.llm.ChatModel;
import dev.munero.llm.UserConfig;
import dev.munero.llm.record.RecordingChatModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How sessions are made ({@link RunSessions}, issue 12): a front end other than the CLI starts the bundled replayed
 * run exactly as {@code munero run --replay} does, and every set-up mistake is an {@link AppException} with the
 * CLI's message, found before any model call.
 */
class RunSessionsTest {
    private static final Path SESSION = ExampleRepos.SESSION;
    /** The model the bundled recording is of. */
    private static final String MODEL = "anthropic:claude-sonnet-4-6";

    @TempDir
    Path tmp;

    @Test
    void aFrontEndStartsTheBundledReplayAsMuneroRunDoes() throws Exception {
        Path repo = copyExample();
        Map<String, String> env = environment();
        UserConfig config = RunSessions.userConfig(env);
        EventBus bus = new EventBus();
        List<RunEvent> seen = new CopyOnWriteArrayList<>();
        bus.subscribe(seen::add);

        RunSessions.Planned planned = RunSessions.start(repo, Files.readString(repo.resolve("SPEC.md")), "SPEC.md",
                Map.of("max_iterations", "3"), SESSION, null, env, config, Clock.systemUTC(), bus);

        assertThat(planned.request().limits().maxIterations()).isEqualTo(3);
        assertThat(planned.settings().maxIterations().source()).isEqualTo("--max-iterations");
        assertThat(planned.made().session().learning()).isEqualTo(BuildManager.Learning.RUN_ONLY); // issue 11.6
        assertThat(planned.made().notices()).anyMatch(n -> n.startsWith("replay: this run sees only its own lessons"));
        assertThat(planned.made().session().prices().priced()).isTrue();
        try (RunSessions.Made made = planned.made(); Runs runs = Runs.open(repo, Clock.systemUTC(), true)) {
            Runs.Started started = runs.start(planned.request(), made.session());
            BuildManager.Outcome outcome = started.run();

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(outcome.iterations()).isEqualTo(2);
            assertThat(runs.report(started.runId()).modelCalls()).isEqualTo(8);
            assertThat(seen).anyMatch(e -> e instanceof RunEvent.Progress);
            assertThat(runs.reportFile(started.runId())).isRegularFile();
        }
    }

    @Test
    void setUpMistakesAreInvalidBeforeAnyModelCall() throws Exception {
        Path repo = copyExample();
        Map<String, String> env = environment();
        UserConfig config = RunSessions.userConfig(env);
        EventBus bus = new EventBus();

        assertInvalid(() -> RunSessions.start(repo, "spec", "SPEC.md", Map.of("permission_mode", "ask"), SESSION, null,
                env, config, Clock.systemUTC(), bus), "permission mode ask (--permission-mode) cannot work in munero "
                + "run", "munero agent on a terminal"); // issue 11.7
        assertInvalid(() -> RunSessions.start(repo, "spec", "SPEC.md", Map.of("budget_usd", "nothing"), SESSION, null,
                env, config, Clock.systemUTC(), bus), "nothing", "--budget-usd");
        assertInvalid(() -> RunSessions.model("x:y", repo, null, null, env, config), "unknown provider 'x'");
        Path none = tmp.resolve("none.jsonl");
        assertInvalid(() -> RunSessions.model(MODEL, repo, none, null, env, config),
                "cannot read the recording " + none + ": no such file"); // issue 11.11
        assertInvalid(() -> RunSessions.model(MODEL, repo, SESSION, tmp.resolve("r.jsonl"),
                env, config), "--record and --replay cannot be used together");
        assertInvalid(() -> RunSessions.model("anthropic:claude-sonnet-4-6", repo, null, null, env, config),
                "ANTHROPIC_API_KEY");

        // an unpriced model: refused under a budget, warned about without one (issue 11.10)
        Map<String, String> keyed = new HashMap<>(env);
        keyed.put("ANTHROPIC_API_KEY", "sk-ant-test-sessions");
        keyed.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:9");
        assertInvalid(() -> RunSessions.start(repo, "spec", "SPEC.md", Map.of("model", "anthropic:x", "budget_usd",
                "1"), null, null, keyed, config, Clock.systemUTC(), bus), "a budget (--budget-usd) needs the price of "
                + "anthropic:x, and Munero has none: add it to " + config.sibling("models.toml"));
        Path recording = tmp.resolve("out.jsonl");
        ChatModel unpriced = RunSessions.model("anthropic:x", repo, null, recording, keyed, config);
        assertThat(unpriced).isInstanceOf(RecordingChatModel.class);
        try (RunSessions.Made made = RunSessions.session(unpriced, SandboxMode.OFF, keyed, config, Clock.systemUTC(),
                bus)) {
            assertThat(made.session().learning()).isEqualTo(BuildManager.Learning.SHARED);
            assertThat(made.notices()).containsExactly("munero: commands run unsandboxed, as you (--sandbox off): they "
                    + "can read and change what you can", "munero: warning: anthropic:x has no known price (neither in "
                    + "Munero's table nor in " + config.sibling("models.toml") + "): its cost will be shown as "
                    + "unknown, and a budget cannot be enforced (every call under one is refused)");
        }
    }

    @Test
    void aUserConfigThatIsNotTomlIsInvalidNamingTheFile() throws Exception {
        Path file = tmp.resolve("config.toml");
        Files.writeString(file, "model = \n", StandardCharsets.UTF_8);
        Map<String, String> env = new HashMap<>(environment());
        env.put("MUNERO_CONFIG", file.toString());

        assertInvalid(() -> RunSessions.userConfig(env), file + ": not valid TOML");
    }

    private static void assertInvalid(ThrowableAssert.ThrowingCallable call, String... message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AppException.class, e -> {
            assertThat(e.kind()).isEqualTo(AppException.Kind.INVALID);
            assertThat(e.getMessage()).contains(message);
        });
    }

    /** The example copied to a temp dir and committed as a fresh git repository, as the README does. */
    private Path copyExample() throws IOException, InterruptedException {
        return ExampleRepos.runCalc(tmp.resolve("run-calc"));
    }

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("HOME", System.getProperty("user.home"));
        env.put("MUNERO_CONFIG", "/nonexistent/munero/config.toml");
        env.put("CI", "true");
        return env;
    }
}
