package dev.munero.core;

import dev.munero.agent.safety.Sandbox;
import dev.munero.core.config.RunSettings;
import dev.munero.core.events.EventBus;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StreamListener;
import dev.munero.llm.pricing.ModelTable;
import dev.munero.llm.record.ReplayChatModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture shared by the servers' tests ({@code munero serve}, the MCP server): sessions of runs that replay the
 * recorded session {@link ExampleRepos#SESSION} (no network, no key), each model optionally held before a call by a
 * {@link Gate} so a test can act in the middle of a run, in an environment without user config or keys.
 */
public final class ReplayedRuns {
    private ReplayedRuns() {
    }

    /** The environment runs and builds see: no user config (under {@code dir/no-such-dir}), no keys, CI. */
    public static Map<String, String> env(Path dir) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("HOME", System.getProperty("user.home"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("MUNERO_CONFIG", dir.resolve("no-such-dir/config.toml").toString());
        env.put("CI", "true");
        return env;
    }

    /**
     * A session of a run in {@code repo} replaying the recording for the settings' model, wrapped in {@code gate};
     * the bundled prices, no sandbox, the run's own lessons only.
     *
     * @throws UncheckedIOException when the recording cannot be read
     */
    public static BuildManager.Session session(Path dir, Gate gate, Path repo, RunSettings settings, EventBus bus) {
        ModelRef model = ModelRef.parse(settings.model().value());
        ChatModel replay;
        try {
            replay = new ReplayChatModel(ExampleRepos.SESSION, model, Map.of(repo.toRealPath().toString(), "<repo>"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildManager.Session(gate.wrap(replay),
                ModelTable.withUserFile(dir.resolve("no-such-dir/models.toml")).lookup(model), env(dir),
                Sandbox.none(), Clock.systemUTC(), bus, BuildManager.Learning.RUN_ONLY);
    }

    /**
     * Holds every run's model call number {@code at} (1-based, counted per model) until {@link #open}; counts the
     * models waiting there. Thread-safe.
     */
    public static final class Gate {
        private final int at;
        private final CountDownLatch opened = new CountDownLatch(1);
        private final Semaphore waiting = new Semaphore(0);

        public Gate(int at) {
            this.at = at;
        }

        /** A gate that never holds. */
        public static Gate none() {
            Gate g = new Gate(0);
            g.open();
            return g;
        }

        /** Waits (up to 5 minutes) until {@code n} models are held at the gate. */
        public void awaitHeld(int n) throws InterruptedException {
            if (!waiting.tryAcquire(n, 5, TimeUnit.MINUTES)) {
                throw new AssertionError("fewer than " + n + " runs reached model call " + at);
            }
        }

        public void open() {
            opened.countDown();
        }

        /** {@code model}, held at call number {@code at} until {@link #open}. */
        public ChatModel wrap(ChatModel model) {
            AtomicInteger calls = new AtomicInteger();
            return new ChatModel() {
                @Override
                public ModelRef model() {
                    return model.model();
                }

                @Override
                public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
                    if (calls.incrementAndGet() == at) {
                        waiting.release();
                        opened.await();
                    }
                    return model.chat(request, listener);
                }
            };
        }
    }
}
