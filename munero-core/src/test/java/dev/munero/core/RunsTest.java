package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static dev.munero.core.RunFixture.plan;
import static dev.munero.core.RunFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Runs;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application API for runs ({@link Runs}, issue 12) on a real SQLite store and real git repositories, with
 * runs driven by scripted models: every method, and the errors a front end maps (NOT_FOUND, CONFLICT, INVALID) with
 * the CLI's messages.
 */
class RunsTest {
    private static final String REFLECTION = """
            {"analysis":"greeting.txt says hello, the check wants hello world",
             "lessons":[{"check":"greeting","what_failed":"grep found no 'hello world' in greeting.txt",
                         "why":"the file said only hello","fix":"write the whole phrase hello world",
                         "files":["greeting.txt"]}],
             "tasks":[{"id":"greet","description":"Write greeting.txt saying exactly hello world",
                       "files":["greeting.txt"],"depends_on":[]}]}""";

    @TempDir
    Path dir;

    @Test
    void startReturnsTheRunIdOnceTheRunExistsAndBeforeTheLoopRuns() throws Exception {
        RunFixture fx = new RunFixture(dir);
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("wrote it"));
        try (Runs runs = Runs.open(fx.repo, Clock.systemUTC(), true)) {
            Runs.Started started = runs.start(new Runs.Start(RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.of(5))), fx.session(model));

            // the run exists: its row, its first events, its branch and worktree; no model call was made
            String id = started.runId();
            assertThat(model.calls()).isEmpty();
            Runs.Summary before = runs.summary(id);
            assertThat(before.state()).isEqualTo("Initializing");
            assertThat(before.branch()).isEqualTo("munero/" + id);
            assertThat(before.budgetUsd()).isEqualTo(5.0);
            assertThat(runs.events(id, 0, 100)).extracting(Runs.Event::type).containsExactly("run_created",
                    "run_started");
            assertThat(fx.repo.resolve(".munero/worktrees/" + id)).isDirectory();
            assertThat(RunFixture.gitOutput(fx.repo, "branch", "--list", "munero/" + id)).contains(id);
            assertThat(runs.reportFile(id)).doesNotExist();

            BuildManager.Outcome outcome = started.run();

            assertThat(outcome.runId()).isEqualTo(id);
            assertThat(outcome.status()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(model.calls()).containsExactly("plan#0", "task:greet#0", "task:greet#1");
            var report = JsonMapper.builder().build().readTree(Files.readString(runs.reportFile(id)));
            assertThat(report.path("status").asString()).isEqualTo("completed");
            assertThat(report.path("metrics").path("model_calls").asInt()).isEqualTo(3);
            assertThat(started.reportProblem()).isEmpty();
            // a session runs once
            assertKind(started::run, AppException.Kind.CONFLICT, "already run");
        }
    }

    @Test
    void theReadMethodsShowWhatTheRunStored() throws Exception {
        RunFixture fx = new RunFixture(dir);
        String id = completedInTwoIterations(fx);
        try (Runs runs = Runs.open(fx.repo, Clock.systemUTC(), false); Store store = fx.store()) {
            List<StoredEvent> log = store.events(id, 0);

            Runs.Page<Runs.Summary> page = runs.list(new Runs.Query(null, 10, 0));
            assertThat(page.total()).isEqualTo(1);
            assertThat(page.items()).singleElement().satisfies(s -> {
                assertThat(s.id()).isEqualTo(id);
                assertThat(s.state()).isEqualTo("Completed");
                assertThat(s.iteration()).isEqualTo(2);
                assertThat(s.tasksDone()).isEqualTo(1);
                assertThat(s.tasksTotal()).isEqualTo(1);
                assertThat(s.progress()).isEqualTo(1.0);
                assertThat(s.budgetUsd()).isNull();
                assertThat(s.checksPassed()).isTrue();
                assertThat(s.lastSeq()).isEqualTo(log.getLast().seq());
                assertThat(s.repo()).isEqualTo(fx.repo.toRealPath().toString());
                assertThat(s.stored().path("tasks_done").asInt()).isEqualTo(1);
            });
            assertThat(runs.list(new Runs.Query("Paused", 10, 0)).total()).isZero();
            assertThat(runs.list(new Runs.Query("Completed", 10, 1)).items()).isEmpty();

            Runs.Detail detail = runs.show(id);
            assertThat(detail.tasks()).singleElement().satisfies(t -> {
                assertThat(t.id()).isEqualTo("greet");
                assertThat(t.description()).isEqualTo("Write greeting.txt saying exactly hello world");
                assertThat(t.done()).isTrue();
            });
            assertThat(detail.checks()).containsExactly("greeting");
            assertThat(detail.done()).containsExactly("greet");
            assertThat(detail.iterationCommits()).containsOnlyKeys(0, 1, 2);
            assertThat(detail.iterationCommits().keySet()).containsExactly(0, 1, 2);
            assertThat(detail.sessions()).isEqualTo(1);
            assertThat(detail.worktree()).isEqualTo(fx.repo.toRealPath().resolve(".munero/worktrees/" + id).toString());
            assertThat(detail.metrics().iterations()).isEqualTo(2);
            assertThat(detail.endedMessage()).contains("run " + id + " completed at", "(Completed). Next: ",
                    "git merge munero/" + id);

            // events: all, after a seq, and a page of them
            assertThat(runs.events(id, 0, 10_000)).extracting(Runs.Event::seq)
                    .containsExactlyElementsOf(log.stream().map(StoredEvent::seq).toList());
            long middle = log.get(log.size() / 2).seq();
            assertThat(runs.events(id, middle, 10_000)).extracting(Runs.Event::seq)
                    .containsExactlyElementsOf(log.stream().map(StoredEvent::seq).filter(s -> s > middle).toList());
            assertThat(runs.events(id, 0, 3)).extracting(Runs.Event::type)
                    .containsExactly("run_created", "run_started", "session_started");
            assertThat(runs.events(id, log.getLast().seq(), 10)).isEmpty();

            Runs.Cost cost = runs.cost(id);
            RunMetrics metrics = RunMetrics.of(log);
            assertThat(cost.state()).isEqualTo("Completed");
            assertThat(cost.costUsd()).isPositive().isCloseTo(metrics.costUsd(), Offset.offset(1e-12));
            assertThat(cost.modelCalls()).isEqualTo(6);
            assertThat(cost.byTask()).containsOnlyKeys("greet");
            assertThat(cost.byPhase()).containsKeys("planning", "executing", "reflecting");
            assertThat(cost.unansweredCalls()).isZero();
            assertThat(cost.endedMessage()).contains("(Completed)");

            assertThat(runs.report(id)).isEqualTo(metrics);
        }
    }

    @Test
    void aMissingDatabaseRunOrIterationIsNotFoundWithTheCliMessages() throws Exception {
        RunFixture fx = new RunFixture(dir);
        Path repo = fx.repo.toAbsolutePath().normalize();

        assertKind(() -> Runs.open(fx.repo, Clock.systemUTC(), false), AppException.Kind.NOT_FOUND,
                "no runs in " + repo + " (there is no .munero/munero.db); start one with munero run --spec SPEC.md");
        assertThat(repo.resolve(".munero/munero.db")).doesNotExist();

        String id = completedInTwoIterations(fx);
        try (Runs runs = Runs.open(fx.repo, Clock.systemUTC(), false)) {
            String missing = "there is no run nosuch in " + repo + "; see munero sessions list -C " + repo;
            for (ThrowableAssert.ThrowingCallable call : List.<ThrowableAssert.ThrowingCallable>of(
                    () -> runs.summary("nosuch"), () -> runs.show("nosuch"), () -> runs.events("nosuch", 0, 10),
                    () -> runs.cost("nosuch"), () -> runs.report("nosuch"), () -> runs.pause("nosuch", "test"),
                    () -> runs.rollback("nosuch", 0, false), () -> runs.diff("nosuch", 0, 1),
                    () -> runs.resumable("nosuch", new Runs.Resume(null, null, null, null)))) {
                assertKind(call, AppException.Kind.NOT_FOUND, missing);
            }
            assertKind(() -> runs.rollback(id, 7, false), AppException.Kind.NOT_FOUND,
                    "run " + id + " has no checkpoint for iteration 7; it has [0, 1, 2] (0 is where it started)");
            assertKind(() -> runs.diff(id, 0, 9), AppException.Kind.NOT_FOUND,
                    "run " + id + " has no checkpoint for iteration 9; it has [0, 1, 2]");
        }
    }

    @Test
    void anEndedRunCannotBePausedOrResumedAndTheMessageSaysWhatToDo() throws Exception { // issue 11.4
        RunFixture fx = new RunFixture(dir);
        String id = completedInTwoIterations(fx);
        try (Runs runs = Runs.open(fx.repo, Clock.systemUTC(), false)) {
            assertKind(() -> runs.pause(id, "test"), AppException.Kind.CONFLICT,
                    "(Completed); there is nothing to pause. Next: see munero report " + id);
            assertKind(() -> runs.resumable(id, new Runs.Resume(null, 1.0, null, null)), AppException.Kind.CONFLICT,
                    "(Completed); there is nothing to resume");
            assertKind(() -> runs.resume(id, new Runs.Resume(null, null, null, null),
                    fx.session(new RoleScriptedModel())), AppException.Kind.CONFLICT, "there is nothing to resume");
            assertThat(runs.events(id, 0, 10_000)).extracting(Runs.Event::type).doesNotContain("pause_requested");
        }
    }

    @Test
    void badInputIsInvalidAndNamesWhatWasWrong() throws Exception {
        RunFixture fx = new RunFixture(dir);
        Path plain = dir.resolve("plain");
        Files.createDirectories(plain);
        try (Runs runs = Runs.open(fx.repo, Clock.systemUTC(), true);
             Runs notGit = Runs.open(plain, Clock.systemUTC(), true)) {
            RunLimits limits = RunFixture.limits(1, OptionalDouble.empty());
            BuildManager.Session session = fx.session(new RoleScriptedModel());
            assertKind(() -> runs.start(new Runs.Start("  \n", "SPEC.md", limits), session), AppException.Kind.INVALID,
                    "the spec SPEC.md is empty");
            assertKind(() -> notGit.start(new Runs.Start("spec", "SPEC.md", limits), session), AppException.Kind.INVALID,
                    plain.toAbsolutePath().normalize() + " is not in a git repository");
            assertThat(runs.list(new Runs.Query(null, 10, 0)).total()).as("nothing was created").isZero();
            assertKind(() -> runs.list(new Runs.Query(null, 0, 0)), AppException.Kind.INVALID, "limit must be 1 to 500");
            assertKind(() -> runs.list(new Runs.Query(null, 501, 0)), AppException.Kind.INVALID, "was 501");
            assertKind(() -> runs.list(new Runs.Query(null, 10, -1)), AppException.Kind.INVALID, "offset");
            assertKind(() -> runs.list(new Runs.Query("Sleeping", 10, 0)), AppException.Kind.INVALID,
                    "unknown run state 'Sleeping'; the states are Initializing, ");
            assertKind(() -> runs.cleanup(Duration.ofDays(-1), true), AppException.Kind.INVALID, "negative");

            String id = pausedByItsBudget(fx, runs);
            assertKind(() -> runs.events(id, 0, 0), AppException.Kind.INVALID, "limit must be at least 1, was 0");
            assertKind(() -> runs.events(id, -1, 10), AppException.Kind.INVALID, "since");
            assertKind(() -> runs.resumable(id, new Runs.Resume(1.0, 1.0, null, null)), AppException.Kind.INVALID,
                    "give --budget-usd (a new total) or --add-budget-usd (an increase), not both");
            assertKind(() -> runs.resumable(id, new Runs.Resume(0.0, null, null, null)), AppException.Kind.INVALID,
                    "a budget must be more than 0 USD, was 0.0");
            assertKind(() -> runs.resumable(id, new Runs.Resume(null, null, Duration.ZERO, null)),
                    AppException.Kind.INVALID, "a timeout must be more than 0");
            assertKind(() -> runs.resumable(id, new Runs.Resume(null, null, null, 0)), AppException.Kind.INVALID,
                    "max iterations must be at least 1, was 0");
        }
    }

    @Test
    void aPausedRunResumesWithAnAddedBudgetAndFinishesWithoutPayingTwice() throws Exception {
        RunFixture fx = new RunFixture(dir);
        try (Runs runs = Runs.open(fx.repo, Clock.systemUTC(), true)) {
            String id = pausedByItsBudget(fx, runs);
            Runs.Summary paused = runs.resumable(id, new Runs.Resume(null, 1.0, null, null));
            assertThat(paused.state()).isEqualTo("Paused");
            assertThat(paused.budgetUsd()).isEqualTo(0.07);
            assertThat(paused.pausedReason()).contains("budget");

            RoleScriptedModel second = new RoleScriptedModel()
                    .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("done"));
            Runs.Started resumed = runs.resume(id, new Runs.Resume(null, 1.0, null, null), fx.session(second));
            assertThat(second.calls()).isEmpty();
            BuildManager.Outcome done = resumed.run();

            assertThat(done.status()).as(done.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(second.calls()).containsExactly("task:greet#0", "task:greet#1"); // the plan came from the store
            assertThat(runs.summary(id).budgetUsd()).isCloseTo(1.07, Offset.offset(1e-9));
            assertThat(runs.cost(id).budgetUsd()).isCloseTo(1.07, Offset.offset(1e-9));
            assertThat(runs.events(id, 0, 10_000)).extracting(Runs.Event::type).contains("limits_changed");
        }
    }

    @Test
    void aPauseFromTheApiStopsARunningRunWhichCannotBeRolledBackUntilThen() throws Exception {
        RunFixture fx = new RunFixture(dir);
        AtomicReference<Throwable> rollbackWhileRunning = new AtomicReference<>();
        try (Runs runs = Runs.open(fx.repo, Clock.systemUTC(), true)) {
            RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                    .task("greet", "write_file", write("greeting.txt", "hello world\\n"))
                    .hook((role, index) -> {
                        if (role.equals("task:greet") && index == 1) {
                            String id = runs.list(new Runs.Query(null, 1, 0)).items().getFirst().id();
                            try {
                                runs.rollback(id, 0, false);
                            } catch (AppException e) {
                                rollbackWhileRunning.set(e);
                            }
                            runs.pause(id, "api token test");
                            Thread.sleep(60_000); // interrupted by the run's watcher
                            throw new AssertionError("the pause did not interrupt the agent");
                        }
                    });
            Runs.Started started = runs.start(new Runs.Start(RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.empty())), fx.session(model));
            BuildManager.Outcome paused = started.run();

            assertThat(paused.status()).isEqualTo(BuildManager.Status.PAUSED);
            assertThat(paused.message()).contains("a pause was requested");
            assertThat(rollbackWhileRunning.get()).isInstanceOfSatisfying(AppException.class, e -> {
                assertThat(e.kind()).isEqualTo(AppException.Kind.CONFLICT);
                assertThat(e.getMessage()).isEqualTo("run " + started.runId() + " is Building; pause it first (munero "
                        + "pause -C " + fx.repo.toAbsolutePath().normalize() + " " + started.runId() + "), or pass "
                        + "--force if its process is gone");
            });
            assertThat(runs.events(started.runId(), 0, 10_000)).filteredOn(e -> e.type().equals("pause_requested"))
                    .singleElement().satisfies(e -> assertThat(e.payload().path("by").asString())
                            .isEqualTo("api token test"));
            assertThat(runs.summary(started.runId()).state()).isEqualTo("Paused");
        }
    }

    @Test
    void diffShowsAnIterationsChangeAndRollbackRestoresItsCheckpoint() throws Exception { // issue 11.5
        RunFixture fx = new RunFixture(dir);
        String id = completedInTwoIterations(fx);
        try (Runs runs = Runs.open(fx.repo, Clock.systemUTC(), false)) {
            Runs.Detail before = runs.show(id);

            Runs.Diff diff = runs.diff(id, 1, 2);
            assertThat(diff.fromCommit()).isEqualTo(before.iterationCommits().get(1));
            assertThat(diff.toCommit()).isEqualTo(before.iterationCommits().get(2));
            assertThat(diff.files()).containsExactly("greeting.txt");
            assertThat(diff.patch()).contains("-hello", "+hello world");
            assertThat(runs.diff(id, 0, 0).files()).isEmpty();

            BuildManager.RolledBack back = runs.rollback(id, 1, false);

            assertThat(back.from()).isEqualTo(RunState.COMPLETED);
            assertThat(back.to()).isEqualTo(RunState.PAUSED);
            assertThat(back.commit()).isEqualTo(before.iterationCommits().get(1));
            assertThat(RunFixture.gitOutput(fx.repo, "rev-parse", "munero/" + id)).isEqualTo(back.commit());
            assertThat(Files.readString(Path.of(before.worktree()).resolve("greeting.txt"), StandardCharsets.UTF_8))
                    .isEqualTo("hello\n");
            Runs.Detail after = runs.show(id);
            assertThat(after.summary().state()).isEqualTo("Paused");
            assertThat(after.iterationCommits()).containsOnlyKeys(0, 1);
            assertThat(after.endedMessage()).isNull();
        }
    }

    @Test
    void cleanupDeletesIdleRunsAndTheirWorktreesButKeepsTheirBranches() throws Exception {
        RunFixture fx = new RunFixture(dir);
        String id = completedInTwoIterations(fx);
        try (Runs runs = Runs.open(fx.repo, Clock.systemUTC(), false)) {
            Path worktree = Path.of(runs.show(id).worktree());

            assertThat(runs.cleanup(Duration.ofDays(7), false)).isEmpty();
            assertThat(runs.cleanup(Duration.ZERO, true)).extracting(Runs.Summary::id).containsExactly(id);
            assertThat(runs.summary(id).id()).as("a dry run deletes nothing").isEqualTo(id);

            assertThat(runs.cleanup(Duration.ZERO, false)).extracting(Runs.Summary::id).containsExactly(id);

            assertKind(() -> runs.show(id), AppException.Kind.NOT_FOUND, "there is no run " + id);
            assertThat(runs.list(new Runs.Query(null, 10, 0)).total()).isZero();
            assertThat(worktree).doesNotExist();
            assertThat(RunFixture.gitOutput(fx.repo, "branch", "--list", "munero/" + id)).contains(id);
        }
    }

    /** A run whose check fails in iteration 1 and passes in iteration 2, in its own store session. */
    private static String completedInTwoIterations(RunFixture fx) {
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                .task("greet", "write_file", write("greeting.txt", "hello\\n"), "finish", finish("wrote hello"))
                .reflect(REFLECTION)
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("fixed"));
        try (Runs runs = Runs.open(fx.repo, Clock.systemUTC(), true)) {
            BuildManager.Outcome outcome = runs.start(new Runs.Start(RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.empty())), fx.session(model)).run();
            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(outcome.iterations()).isEqualTo(2);
            return outcome.runId();
        }
    }

    /** A run paused by a $0.07 budget after its plan ($0.06), before the first agent call. */
    private static String pausedByItsBudget(RunFixture fx, Runs runs) {
        RoleScriptedModel first = new RoleScriptedModel().usage(new dev.munero.llm.Usage(20_000, 0, 0, 0))
                .plan(plan("greet"));
        BuildManager.Outcome paused = runs.start(new Runs.Start(RunFixture.SPEC, "SPEC.md",
                RunFixture.limits(1, OptionalDouble.of(0.07))), fx.session(first)).run();
        assertThat(paused.status()).isEqualTo(BuildManager.Status.PAUSED);
        return paused.runId();
    }

    private static void assertKind(ThrowableAssert.ThrowingCallable call, AppException.Kind kind, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AppException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
