package dev.munero.server.metrics;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.core.BuildManager;
import dev.munero.core.ExampleRepos;
import dev.munero.core.RunLimits;
import dev.munero.core.app.Runs;
import dev.munero.core.events.EventBus;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ModelRef;
import dev.munero.llm.pricing.ModelTable;
import dev.munero.llm.record.ReplayChatModel;
import dev.munero.store.RunRecord;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The bundled example run, for real: {@code examples/run-calc} copied into a new git repository and driven by
 * {@link BuildManager#start} with the model replaying {@code examples/run-calc.session.jsonl} (as {@code munero demo}
 * does): a plan of two tasks, a failing check, a reflection, a second iteration whose check passes. 8 model calls,
 * 6 tool calls, real javac/java checks, a real store. Also makes the other test repositories (git, committed).
 */
final class ReplayedRun {
    static final Path SESSION = ExampleRepos.SESSION;
    static final ModelRef MODEL = ModelRef.parse("anthropic:claude-sonnet-4-6");

    final Path repo;
    final BuildManager.Outcome outcome;
    final List<StoredEvent> events;
    final Map<String, Long> runsByState;

    private ReplayedRun(Path repo, BuildManager.Outcome outcome, List<StoredEvent> events,
                        Map<String, Long> runsByState) {
        this.repo = repo;
        this.outcome = outcome;
        this.events = events;
        this.runsByState = runsByState;
    }

    /** Copies the example under {@code dir} and runs it to its end. */
    static ReplayedRun in(Path dir) throws Exception {
        Path repo = ExampleRepos.runCalc(dir.resolve("run-calc"));
        try (Store store = store(repo)) {
            BuildManager.Outcome outcome = start(store, repo);
            return new ReplayedRun(repo, outcome, store.events(outcome.runId(), 0), countByState(store));
        }
    }

    /**
     * The repository's store (its {@code .munero/munero.db}), made when absent. (A server following a repository while
     * another process creates its database once made that migration fail with SQLITE_BUSY; SqliteFile now migrates
     * a new file in one process at a time, StoreTest#processesThatOpenANewDatabaseAtOnceTakeTurnsMigratingIt.)
     */
    static Store store(Path repo) throws IOException {
        Files.createDirectories(repo.resolve(".munero"));
        return Store.open(BuildManager.databaseOf(repo), Clock.systemUTC());
    }

    /** Starts and drives a replayed run of the example in {@code repo} on this thread. */
    static BuildManager.Outcome start(Store store, Path repo) throws Exception {
        return start(store, repo, UnaryOperator.identity());
    }

    /** {@link #start(Store, Path)} with the replaying model wrapped by {@code wrap} (e.g. to hold a call). */
    static BuildManager.Outcome start(Store store, Path repo, UnaryOperator<ChatModel> wrap) throws Exception {
        ChatModel model = wrap.apply(new ReplayChatModel(SESSION, MODEL, Map.of(repo.toString(), "<repo>")));
        BuildManager.Session session = new BuildManager.Session(model, ModelTable.builtIn().lookup(MODEL),
                environment(), Sandbox.none(), Clock.systemUTC(), new EventBus(), BuildManager.Learning.RUN_ONLY);
        // munero run's defaults (RunSettingsResolver), as the recording was made with them
        RunLimits limits = new RunLimits(OptionalDouble.empty(), Duration.ofHours(1), 5, 1, 50, 8192,
                PermissionMode.AUTO_EDIT, List.of());
        String spec = Files.readString(repo.resolve("SPEC.md"), StandardCharsets.UTF_8);
        return BuildManager.start(store, repo, spec, "SPEC.md", limits, session);
    }

    /** The runs table's counts, as {@link RunTable#countByState()} returns them. */
    static Map<String, Long> countByState(Store store) {
        return store.runs().stream().collect(Collectors.groupingBy(RunRecord::state, Collectors.counting()));
    }

    /** A stored event as the application API returns it (what the server's followers hand to the metrics). */
    static Runs.Event apiEvent(StoredEvent e) {
        return new Runs.Event(e.seq(), e.runId(), e.at(), e.type(), e.payload());
    }

    static Map<String, String> environment() {
        return Map.of("PATH", System.getenv().getOrDefault("PATH", ""), "HOME", System.getProperty("user.home"),
                "MUNERO_CONFIG", "/nonexistent/munero/config.toml", "CI", "true");
    }

    /** A repository with {@code input.txt} and this {@code munero.yaml}, committed. */
    static Path buildRepo(Path dir, String muneroYaml) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("input.txt"), "hello\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("munero.yaml"), muneroYaml, StandardCharsets.UTF_8);
        return ExampleRepos.committed(dir);
    }
}
