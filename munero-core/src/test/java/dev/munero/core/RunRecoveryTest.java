package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static dev.munero.core.RunFixture.plan;
import static dev.munero.core.RunFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.llm.Usage;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that end, pause on their budget, lose their worktree or are rolled back, and what the next session makes of
 * them (issue 11 points 2 to 5), on a real git repository with real checks and scripted models.
 */
class RunRecoveryTest {
    private static final String REFLECTION = """
            {"analysis":"greeting.txt says hello, the check wants hello world",
             "lessons":[{"check":"greeting","what_failed":"grep found no 'hello world' in greeting.txt",
                         "why":"the file said only hello","fix":"write the whole phrase hello world",
                         "files":["greeting.txt"]}],
             "tasks":[{"id":"greet","description":"Write greeting.txt saying exactly hello world",
                       "files":["greeting.txt"],"depends_on":[]}]}""";

    @TempDir
    Path dir;

    private static RunLimits budget(RunLimits l, double usd) {
        return new RunLimits(OptionalDouble.of(usd), l.timeout(), l.maxIterations(), l.agents(), l.maxTurns(),
                l.maxOutputTokens(), l.permissionMode(), l.allow());
    }

    /** Starts a run whose budget pauses it right after the plan (the agent's first call is refused). */
    private static String pausedAfterThePlan(RunFixture fx, Store store) throws Exception {
        RoleScriptedModel first = new RoleScriptedModel().usage(new Usage(20_000, 0, 0, 0)).plan(plan("greet"));
        BuildManager.Outcome paused = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                RunFixture.limits(1, OptionalDouble.of(0.07)), fx.session(first));
        assertThat(paused.status()).as(paused.message()).isEqualTo(BuildManager.Status.PAUSED);
        return paused.runId();
    }

    private static RoleScriptedModel greeter() {
        return new RoleScriptedModel()
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("done"));
    }

    @Test // issue 11.2
    void aRunWhoseWorktreeWasDeletedOrIsNoWorktreeAnyMoreResumesFromItsLastCheckpoint() throws Exception {
        RunFixture fx = new RunFixture(dir);
        try (Store store = fx.store()) {
            String deleted = pausedAfterThePlan(fx, store);
            Path worktree = Path.of(RunHistory.fold(store.events(deleted, 0)).worktree());
            deleteTree(worktree); // git still records it as the worktree of munero/ID

            BuildManager.Outcome done = BuildManager.resume(store, deleted, l -> budget(l, 1.0),
                    fx.session(greeter()));
            assertThat(done.status()).as(done.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(Files.readString(worktree.resolve("greeting.txt"))).isEqualTo("hello world\n");
            assertThat(store.events(deleted, 0)).filteredOn(e -> e.type().equals("worktree_rebuilt")).singleElement()
                    .satisfies(e -> assertThat(e.payload().path("damage").asString()).isEqualTo("it was missing"));

            String damaged = pausedAfterThePlan(fx, store);
            Path other = Path.of(RunHistory.fold(store.events(damaged, 0)).worktree());
            Files.delete(other.resolve(".git")); // half-deleted: git would now see the user's repository there
            Files.writeString(other.resolve("left-over.txt"), "kept\n");

            BuildManager.Outcome fixed = BuildManager.resume(store, damaged, l -> budget(l, 1.0),
                    fx.session(greeter()));
            assertThat(fixed.status()).as(fixed.message()).isEqualTo(BuildManager.Status.COMPLETED);
            StoredEvent rebuilt = store.events(damaged, 0).stream().filter(e -> e.type().equals("worktree_rebuilt"))
                    .findFirst().orElseThrow();
            assertThat(rebuilt.payload().path("damage").asString()).startsWith("it is not a worktree any more");
            // what was left is moved aside, not deleted; the user's checkout is untouched
            assertThat(Path.of(rebuilt.payload().path("moved_to").asString()).resolve("left-over.txt")).exists();
            assertThat(fx.repo.resolve("greeting.txt")).doesNotExist();
            assertThat(RunFixture.gitOutput(fx.repo, "status", "--porcelain")).isEmpty();
            assertThat(RunFixture.gitOutput(fx.repo, "symbolic-ref", "--short", "HEAD")).isEqualTo("main");
        }
    }

    @Test // issue 11.3
    void followingTheBudgetAdviceLetsTheNextCallThroughAndTheNextAdviceIsNeverLower() throws Exception {
        RunFixture fx = new RunFixture(dir);
        try (Store store = fx.store()) {
            // the plan call's worst case (1000 output tokens at $15/M, plus its input) is more than $0.01
            RoleScriptedModel first = new RoleScriptedModel().plan(plan("greet"));
            BuildManager.Outcome paused = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.of(0.01)), fx.session(first));
            assertThat(paused.status()).isEqualTo(BuildManager.Status.PAUSED);
            assertThat(first.calls()).isEmpty();
            double advised = paused.resumeBudgetUsd();
            assertThat(paused.message()).contains(String.format(java.util.Locale.ROOT,
                    "resume with a total budget of at least $%.2f (spent $0.0000 + the next call's worst case $",
                    advised));
            assertThat(paused.addBudgetUsd()).isCloseTo(advised - 0.01, org.assertj.core.data.Offset.offset(0.011));

            // the advice as the user types it: a total with two decimals
            double typed = Double.parseDouble(String.format(java.util.Locale.ROOT, "%.2f", advised));
            RoleScriptedModel second = new RoleScriptedModel().plan(plan("greet"));
            BuildManager.Outcome next = BuildManager.resume(store, paused.runId(), l -> budget(l, typed),
                    fx.session(second));
            assertThat(second.calls()).as("the call the advice was for went through").containsExactly("plan#0");
            assertThat(next.status()).isEqualTo(BuildManager.Status.PAUSED); // the agent's call is the next to wait
            assertThat(next.resumeBudgetUsd()).isGreaterThan(typed);
            // the new total is the run's budget from now on, so an --add-budget-usd advice adds to it
            assertThat(BuildManager.storedLimits(RunHistory.fold(store.events(paused.runId(), 0))).budgetUsd())
                    .hasValue(typed);

            double typedAgain = Double.parseDouble(String.format(java.util.Locale.ROOT, "%.2f",
                    next.resumeBudgetUsd()));
            RoleScriptedModel third = greeter();
            BuildManager.Outcome done = BuildManager.resume(store, paused.runId(), l -> budget(l, typedAgain + 0.05),
                    fx.session(third));
            assertThat(third.calls()).startsWith("task:greet#0");
            assertThat(done.status()).as(done.message()).isIn(BuildManager.Status.COMPLETED,
                    BuildManager.Status.PAUSED);
        }
    }

    @Test // issue 11.4
    void aCompletedRunEndsCompletedAndSaysThereIsNothingToResumeOrPause() throws Exception {
        RunFixture fx = new RunFixture(dir);
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("wrote it"));
        try (Store store = fx.store()) {
            BuildManager.Outcome done = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.empty()), fx.session(model));
            String id = done.runId();
            assertThat(store.run(id).orElseThrow().state()).isEqualTo("Completed");
            assertThat(store.events(id, 0)).filteredOn(e -> e.type().equals("state_changed"))
                    .extracting(e -> e.payload().path("to").asString()).endsWith("Completing", "Completed");

            assertThatThrownBy(() -> BuildManager.resume(store, id, l -> l, fx.session(new RoleScriptedModel())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("run " + id + " completed at")
                    .hasMessageContaining("(Completed); there is nothing to resume")
                    .hasMessageContaining("git merge munero/" + id)
                    .hasMessageContaining("munero rollback " + id + " --to N");
            assertThatThrownBy(() -> BuildManager.requestPause(store, id, "test"))
                    .hasMessageContaining("(Completed); there is nothing to pause");
        }
    }

    @Test // issue 11.4
    void aRunThatDiedWhileCompletingIsCompletedByItsNextSessionWithoutAModelCall() throws Exception {
        RunFixture fx = new RunFixture(dir);
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("wrote it"));
        dev.munero.core.events.EventBus dying = new dev.munero.core.events.EventBus();
        dying.subscribe(e -> {
            if (e instanceof dev.munero.core.events.RunEvent.StateChanged c && c.to().equals("Completing")) {
                throw new IllegalStateException("the process died here"); // after the state was stored
            }
        });
        try (Store store = fx.store()) {
            assertThatThrownBy(() -> BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.empty()), new BuildManager.Session(model, RunFixture.PRICES,
                    System.getenv(), dev.munero.agent.safety.Sandbox.none(), java.time.Clock.systemUTC(), dying)))
                    .hasMessageContaining("the process died here");
            String id = store.runs().getFirst().id();
            assertThat(store.run(id).orElseThrow().state()).isEqualTo("Completing");

            RoleScriptedModel none = new RoleScriptedModel();
            BuildManager.Outcome done = BuildManager.resume(store, id, l -> l, fx.session(none));
            assertThat(done.status()).as(done.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(none.calls()).isEmpty();
            assertThat(store.run(id).orElseThrow().state()).isEqualTo("Completed");
            assertThat(store.events(id, 0)).filteredOn(e -> e.type().equals("run_completed")).hasSize(1);
        }
    }

    @Test // issue 11.5
    void aRollbackOfACompletedRunUndoesLaterTasksAndResumeContinuesFromThere() throws Exception {
        RunFixture fx = new RunFixture(dir);
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                .task("greet", "write_file", write("greeting.txt", "hello\\n"), "finish", finish("wrote hello"))
                .reflect(REFLECTION)
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("fixed"));
        try (Store store = fx.store()) {
            BuildManager.Outcome done = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.empty()), fx.session(model));
            assertThat(done.iterations()).isEqualTo(2);
            String id = done.runId();
            Path worktree = Path.of(done.worktree());

            // back to the failing iteration 1: the run is paused there, and resume reflects and fixes it again
            BuildManager.RolledBack back = BuildManager.rollback(store, id, 1);
            assertThat(back.from()).isEqualTo(RunState.COMPLETED);
            assertThat(back.to()).isEqualTo(RunState.PAUSED);
            assertThat(store.run(id).orElseThrow().state()).isEqualTo("Paused");
            assertThat(Files.readString(worktree.resolve("greeting.txt"))).isEqualTo("hello\n");
            RunHistory atOne = RunHistory.fold(store.events(id, 0));
            assertThat(atOne.iteration()).isEqualTo(1);
            assertThat(atOne.iterationCommits()).containsOnlyKeys(0, 1);
            RoleScriptedModel again = new RoleScriptedModel().reflect(REFLECTION)
                    .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("fixed"));
            BuildManager.Outcome redone = BuildManager.resume(store, id, l -> l, fx.session(again));
            assertThat(redone.status()).as(redone.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(redone.iterations()).isEqualTo(2);
            // the rolled-back work is done again, not replayed from the store
            assertThat(again.calls()).containsExactly("reflect#0", "task:greet#0", "task:greet#1");

            // back to where it started: no task is done any more, and resume runs the first plan again
            BuildManager.RolledBack start = BuildManager.rollback(store, id, 0);
            assertThat(start.undone()).containsExactly("greet");
            RunHistory atZero = RunHistory.fold(store.events(id, 0));
            assertThat(atZero.done()).isEmpty();
            assertThat(atZero.plan()).hasValueSatisfying(p -> assertThat(p.tasks()).hasSize(1));
            assertThat(worktree.resolve("greeting.txt")).doesNotExist();
            RoleScriptedModel fresh = greeter();
            BuildManager.Outcome first = BuildManager.resume(store, id, l -> l, fx.session(fresh));
            assertThat(first.status()).as(first.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(first.iterations()).isEqualTo(1);
            assertThat(fresh.calls()).containsExactly("task:greet#0", "task:greet#1");
            assertThat(store.run(id).orElseThrow().state()).isEqualTo("Completed");
        }
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
