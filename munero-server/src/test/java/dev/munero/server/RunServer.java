package dev.munero.server;

import dev.munero.agent.safety.Sandbox;
import dev.munero.core.BuildManager;
import dev.munero.core.ExampleRepos;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StreamListener;
import dev.munero.llm.pricing.ModelTable;
import dev.munero.llm.record.ReplayChatModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture: copies of {@code examples/run-calc} as git repositories, and a server whose runs replay the recorded
 * session {@code examples/run-calc.session.jsonl} (no network, no key), optionally held before a model call by a
 * {@link Gate} so a test can act in the middle of a run.
 */
final class RunServer {
    static final Path SESSION = ExampleRepos.SESSION;

    private RunServer() {
    }

    /** A new git repository {@code dir/name} with the example's files, committed. */
    static Path example(Path dir, String name) throws IOException, InterruptedException {
        return ExampleRepos.runCalc(dir.resolve(name));
    }

    /** The environment runs see: no user config, no keys. */
    static Map<String, String> env(Path dir) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("HOME", System.getProperty("user.home"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("MUNERO_CONFIG", dir.resolve("no-such-dir/config.toml").toString());
        env.put("CI", "true");
        return env;
    }

    /** Sessions replaying the recorded run, each model wrapped in {@code gate}. */
    static SessionFactory replaying(Path dir, Gate gate) {
        return (repo, settings, bus) -> {
            ModelRef model = ModelRef.parse(settings.model().value());
            ChatModel replay;
            try {
                replay = new ReplayChatModel(SESSION, model, Map.of(repo.toRealPath().toString(), "<repo>"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new BuildManager.Session(gate.wrap(replay),
                    ModelTable.withUserFile(dir.resolve("no-such-dir/models.toml")).lookup(model), env(dir),
                    Sandbox.none(), Clock.systemUTC(), bus, BuildManager.Learning.RUN_ONLY);
        };
    }

    /** A server on a free port over {@code repos}, its log kept in {@code log}. */
    static MuneroServer start(Path dir, List<Path> repos, Gate gate, ByteArrayOutputStream log,
                              java.util.function.UnaryOperator<MuneroServer.Config> more) {
        return MuneroServer.start(more.apply(new MuneroServer.Config(repos, replaying(dir, gate)).port(0)
                .env(env(dir)).log(new PrintStream(log, true, StandardCharsets.UTF_8))));
    }

    /**
     * Holds every run's model call number {@code at} (1-based, counted per model) until {@link #open}; counts the
     * models waiting there.
     */
    static final class Gate {
        private final int at;
        private final CountDownLatch opened = new CountDownLatch(1);
        private final java.util.concurrent.Semaphore waiting = new java.util.concurrent.Semaphore(0);

        Gate(int at) {
            this.at = at;
        }

        /** A gate that never holds. */
        static Gate none() {
            Gate g = new Gate(0);
            g.open();
            return g;
        }

        /** Waits until {@code n} models are held at the gate. */
        void awaitHeld(int n) throws InterruptedException {
            if (!waiting.tryAcquire(n, 5, TimeUnit.MINUTES)) {
                throw new AssertionError("fewer than " + n + " runs reached model call " + at);
            }
        }

        void open() {
            opened.countDown();
        }

        ChatModel wrap(ChatModel model) {
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
