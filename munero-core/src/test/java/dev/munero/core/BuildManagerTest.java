package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static dev.munero.core.RunFixture.plan;
import static dev.munero.core.RunFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.events.RunEvent;
import dev.munero.llm.Usage;
import dev.munero.memory.Filter;
import dev.munero.memory.MemoryBank;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole runs of the build manager on a real git repository, with real checks, driven by scripted models. */
class BuildManagerTest {
    @TempDir
    Path dir;

    @Test
    void aRunThatSucceedsInOneIteration() throws Exception {
        RunFixture fx = new RunFixture(dir);
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("wrote it"));
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.empty()), fx.session(model));

            assertThat(outcome.status()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(outcome.iterations()).isEqualTo(1);
            assertThat(model.calls()).containsExactly("plan#0", "task:greet#0", "task:greet#1");
            // the work is on the run's branch, checked in, and the user's checkout is untouched
            Path worktree = Path.of(outcome.worktree());
            assertThat(Files.readString(worktree.resolve("greeting.txt"), StandardCharsets.UTF_8))
                    .isEqualTo("hello world\n");
            assertThat(fx.repo.resolve("greeting.txt")).doesNotExist();
            assertThat(RunFixture.gitOutput(fx.repo, "show", outcome.branch() + ":greeting.txt")).isEqualTo("hello world");
            assertThat(RunFixture.gitOutput(fx.repo, "log", "--format=%s", outcome.branch()))
                    .contains("munero: iteration 1", "munero: task greet (iteration 1): wrote it", "initial");
            // the log tells the story, and the projection agrees
            List<StoredEvent> events = store.events(outcome.runId(), 0);
            assertThat(RunFixture.types(events)).containsSubsequence("run_created", "run_started", "session_started",
                    "state_changed", "mcp_status", "state_changed", "phase_started", "model_call", "plan_accepted",
                    "state_changed", "iteration_started", "task_started", "model_call", "tool_call", "task_finished",
                    "checkpoint", "checks_finished", "checkpoint", "state_changed", "run_completed");
            assertThat(store.run(outcome.runId()).orElseThrow().state()).isEqualTo("Completed"); // issue 11.4
            RunMetrics metrics = RunMetrics.of(events);
            assertThat(metrics.modelCalls()).isEqualTo(3);
            assertThat(metrics.costUsd()).isCloseTo(3 * (1000 * 3 + 100 * 15) / 1e6, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(metrics.costByTask()).containsOnlyKeys("greet");
            assertThat(metrics.checkRunsPassed()).isEqualTo(1);
            assertThat(fx.published).anyMatch(e -> e instanceof RunEvent.Progress);
        }
    }

    @Test
    void aFailedCheckIsReflectedOnAndFixedInASecondIteration() throws Exception {
        RunFixture fx = new RunFixture(dir);
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                .task("greet", "write_file", write("greeting.txt", "hello\\n"), "finish", finish("wrote hello"))
                .reflect("""
                        {"analysis":"greeting.txt says hello, the check wants hello world",
                         "lessons":[{"check":"greeting","what_failed":"grep found no 'hello world' in greeting.txt",
                                     "why":"the file said only hello","fix":"write the whole phrase hello world",
                                     "files":["greeting.txt"]}],
                         "tasks":[{"id":"greet","description":"Write greeting.txt saying exactly hello world",
                                   "files":["greeting.txt"],"depends_on":[]}]}""")
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("fixed"));
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.empty()), fx.session(model));

            assertThat(outcome.status()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(outcome.iterations()).isEqualTo(2);
            assertThat(model.calls()).containsExactly("plan#0", "task:greet#0", "task:greet#1", "reflect#0",
                    "task:greet#2", "task:greet#3");
            List<StoredEvent> events = store.events(outcome.runId(), 0);
            assertThat(events).filteredOn(e -> e.type().equals("checks_finished"))
                    .extracting(e -> e.payload().path("passed").asBoolean()).containsExactly(false, true);
            assertThat(events).filteredOn(e -> e.type().equals("plan_accepted")).last()
                    .satisfies(e -> assertThat(e.payload().path("redo").toString()).isEqualTo("[\"greet\"]"));
            // the lesson is in the memory bank (kind lesson, namespace project), confirmed by the passing iteration
            try (MemoryBank memory = MemoryBank.open(store.file(), java.time.Clock.systemUTC())) {
                assertThat(memory.list(new Filter("project", "lesson", List.of()), 10)).singleElement()
                        .satisfies(l -> {
                            assertThat(l.key()).isEqualTo("lesson/" + outcome.runId() + "/1/0");
                            assertThat(l.tags()).containsExactly("greeting", "greeting.txt", "confirmed");
                            assertThat(l.value()).startsWith("What failed: grep found no 'hello world'");
                            assertThat(l.author().run()).isEqualTo(outcome.runId());
                        });
            }
            // the second agent was told the lesson, since it shares the task's file
            assertThat(Files.readString(Path.of(outcome.worktree()).resolve("greeting.txt"))).isEqualTo("hello world\n");
            assertThat(RunHistory.fold(events).iterationCommits()).containsOnlyKeys(0, 1, 2);
        }
    }

    @Test
    void aRunStoppedByTheBudgetResumesWithMoreBudgetWithoutPayingTwice() throws Exception {
        RunFixture fx = new RunFixture(dir);
        // the plan call costs $0.06 (20k input tokens at $3/M); the agent's first call could cost up to ~$0.02
        // more, which a $0.07 budget does not allow
        RoleScriptedModel first = new RoleScriptedModel().usage(new Usage(20_000, 0, 0, 0)).plan(plan("greet"));
        String runId;
        try (Store store = fx.store()) {
            BuildManager.Outcome paused = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.of(0.07)), fx.session(first));
            runId = paused.runId();
            assertThat(paused.status()).isEqualTo(BuildManager.Status.PAUSED);
            assertThat(paused.message()).contains("budget", "resume with a total budget of at least $");
            assertThat(paused.neededUsd()).isPositive();
            assertThat(paused.costUsd()).isCloseTo(0.06, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(store.run(runId).orElseThrow().state()).isEqualTo("Paused");
            assertThat(first.calls()).containsExactly("plan#0");
        }
        RoleScriptedModel second = new RoleScriptedModel()
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("done"));
        try (Store store = fx.store()) {
            BuildManager.Outcome done = BuildManager.resume(store, runId,
                    l -> new RunLimits(OptionalDouble.of(1.0), l.timeout(), l.maxIterations(), l.agents(), l.maxTurns(),
                            l.maxOutputTokens(), l.permissionMode(), l.allow()), fx.session(second));
            assertThat(done.status()).isEqualTo(BuildManager.Status.COMPLETED);
            // the plan was not asked for again
            assertThat(second.calls()).containsExactly("task:greet#0", "task:greet#1");
            RunMetrics m = RunMetrics.of(store.events(runId, 0));
            assertThat(m.sessions()).isEqualTo(2);
            assertThat(m.modelCalls()).isEqualTo(3);
        }
    }

    @Test
    void twoParallelAgentsWhoseEditsConflictGetAFollowUpTask() throws Exception {
        RunFixture fx = new RunFixture(dir);
        CountDownLatch bothStarted = new CountDownLatch(2);
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("alpha", "beta"))
                .task("alpha", "write_file", write("greeting.txt", "hello world from alpha\\n"), "finish", finish("a"))
                .task("beta", "write_file", write("greeting.txt", "hello world from beta\\n"), "finish", finish("b"))
                .task("alpha-merge", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("merged"))
                .task("beta-merge", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("merged"))
                .hook((role, index) -> {
                    if (index == 0 && (role.equals("task:alpha") || role.equals("task:beta"))) {
                        bothStarted.countDown(); // each waits for the other: they really run at once
                        assertThat(bothStarted.await(5, TimeUnit.MINUTES)).isTrue();
                    }
                });
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    // leases off: with them (the default) the second task would wait for the first (issue 14)
                    RunFixture.limits(2, OptionalDouble.empty()).withLeases(false), fx.session(model));

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            List<StoredEvent> events = store.events(outcome.runId(), 0);
            assertThat(events).noneMatch(e -> e.type().startsWith("lease_"));
            List<StoredEvent> conflicts = events.stream().filter(e -> e.type().equals("merge_conflict")).toList();
            assertThat(conflicts).singleElement().satisfies(c -> {
                assertThat(c.payload().path("files").toString()).contains("greeting.txt");
                assertThat(c.payload().path("follow_up").asString()).endsWith("-merge");
            });
            String followUp = conflicts.getFirst().payload().path("follow_up").asString();
            assertThat(model.calls()).contains("task:" + followUp + "#0");
            assertThat(Files.readString(Path.of(outcome.worktree()).resolve("greeting.txt"))).isEqualTo("hello world\n");
            // each parallel task had its own worktree, gone now; the run's branch has both merges' history
            assertThat(events).filteredOn(e -> e.type().equals("task_started"))
                    .extracting(e -> e.payload().path("workspace").asString()).doesNotHaveDuplicates();
            assertThat(RunFixture.gitOutput(fx.repo, "worktree", "list")).doesNotContain("-alpha-1", "-beta-1");
        }
    }
}
