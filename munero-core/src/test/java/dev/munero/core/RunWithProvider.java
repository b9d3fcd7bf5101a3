package dev.munero.core;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ModelRef;
import dev.munero.llm.Providers;
import dev.munero.llm.UserConfig;
import dev.munero.store.Store;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A child process for {@link CostAfterKillTest}: starts ({@code start}) or resumes ({@code resume}) the run on the
 * repository {@code args[0]} with the real Anthropic provider pointed at the fake server {@code args[1]} (its root
 * URL, without {@code /v1}), and runs until the test kills it mid-call.
 */
public final class RunWithProvider {
    static final ModelRef MODEL = ModelRef.parse("anthropic:claude-sonnet-4-6");
    static final String KEY = "test-key";

    private RunWithProvider() {
    }

    /** The real provider stack of {@code munero run} (retries included), talking to {@code rootUrl}. */
    static ChatModel provider(String rootUrl, Path home) {
        Map<String, String> env = Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", rootUrl,
                "HOME", home.toString(), "XDG_CONFIG_HOME", home.resolve(".config").toString());
        return Providers.open(MODEL, env, UserConfig.load(env), Providers.Options.defaults());
    }

    public static void main(String[] args) throws Exception {
        RunFixture fx = RunFixture.existing(Path.of(args[0]));
        ChatModel model = provider(args[1], fx.repo.getParent());
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = args[2].equals("start")
                    ? BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.of(5.0)), fx.session(model))
                    : BuildManager.resume(store, store.runs().getFirst().id(), l -> l, fx.session(model));
            System.out.println("the session ended before the kill: " + outcome);
        }
    }
}
