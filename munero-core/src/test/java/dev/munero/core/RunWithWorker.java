package dev.munero.core;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.core.events.EventBus;
import dev.munero.llm.ChatModel;
import dev.munero.llm.Providers;
import dev.munero.llm.UserConfig;
import dev.munero.llm.pricing.ModelTable;
import dev.munero.store.Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A run of {@code munero run --worker claude-code} on the real provider stack and the real Claude Code, both talking
 * to one strict fake Anthropic server (issue 15). In-process ({@link #session}) for {@link CliWorkerRunTest}, and as
 * a child process ({@link #main}) that the test kills with SIGKILL while Claude Code works: {@code main REPO ROOT
 * CLAUDE start} prepares the run, prints {@code worktree PATH}, waits for a line on stdin (the test scripts the fake
 * with the worktree's paths meanwhile), then runs.
 */
public final class RunWithWorker {
    static final String KEY = "test-key";

    private RunWithWorker() {
    }

    /** The environment of the run: the fake's key and URL, the CLI, a home of its own. */
    static Map<String, String> env(String rootUrl, Path home, Path claude) {
        Map<String, String> env = new HashMap<>();
        env.put("ANTHROPIC_API_KEY", KEY);
        env.put("ANTHROPIC_BASE_URL", rootUrl);
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("PATH", System.getenv("PATH"));
        env.put("MUNERO_CLAUDE", claude.toString());
        return env;
    }

    static BuildManager.Session session(Map<String, String> env, EventBus bus) {
        ChatModel model = Providers.open(RunWithProvider.MODEL, env, UserConfig.load(env), Providers.Options.defaults());
        return new BuildManager.Session(model, ModelTable.builtIn().lookup(RunWithProvider.MODEL), env, Sandbox.none(),
                Clock.systemUTC(), bus);
    }

    static RunLimits limits() {
        return new RunLimits(OptionalDouble.of(5.0), Duration.ofMinutes(30), 3, 1, 20, 4000, PermissionMode.AUTO_EDIT,
                List.of()).withWorker("claude-code");
    }

    public static void main(String[] args) throws Exception {
        RunFixture fx = RunFixture.existing(Path.of(args[0]));
        Map<String, String> env = env(args[1], fx.repo.getParent(), Path.of(args[2]));
        try (Store store = fx.store()) {
            BuildManager.Prepared prepared = BuildManager.prepare(store, fx.repo, CliWorkerRunTest.SPEC, "SPEC.md",
                    limits(), session(env, new EventBus()));
            System.out.println("worktree " + fx.repo.resolve(".munero").resolve("worktrees").resolve(prepared.runId()));
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            System.out.println("the session ended before the kill: " + prepared.run());
        }
    }
}
