package dev.munero.server;

import dev.munero.core.ExampleRepos;
import dev.munero.core.ReplayedRuns;
import dev.munero.core.ReplayedRuns.Gate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Test fixture: copies of {@code examples/run-calc} as git repositories, and a server whose runs replay the recorded
 * session {@code examples/run-calc.session.jsonl} (no network, no key), optionally held before a model call by a
 * {@link Gate} ({@link ReplayedRuns}) so a test can act in the middle of a run.
 */
final class RunServer {
    static final Path SESSION = ExampleRepos.SESSION;

    private RunServer() {
    }

    /** A new git repository {@code dir/name} with the example's files, committed. */
    static Path example(Path dir, String name) throws IOException, InterruptedException {
        return ExampleRepos.runCalc(dir.resolve(name));
    }

    /** The environment runs see: no user config, no keys ({@link ReplayedRuns#env}). */
    static Map<String, String> env(Path dir) {
        return ReplayedRuns.env(dir);
    }

    /** Sessions replaying the recorded run, each model wrapped in {@code gate}. */
    static SessionFactory replaying(Path dir, Gate gate) {
        return (repo, settings, bus) -> ReplayedRuns.session(dir, gate, repo, settings, bus);
    }

    /** A server on a free port over {@code repos}, its log kept in {@code log}. */
    static MuneroServer start(Path dir, List<Path> repos, Gate gate, ByteArrayOutputStream log,
                              java.util.function.UnaryOperator<MuneroServer.Config> more) {
        return MuneroServer.start(more.apply(new MuneroServer.Config(repos, replaying(dir, gate)).port(0)
                .env(env(dir)).log(new PrintStream(log, true, StandardCharsets.UTF_8))));
    }
}
