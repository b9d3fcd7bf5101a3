package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static dev.munero.core.RunFixture.plan;
import static dev.munero.core.RunFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.llm.ToolDefinition;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reviewer role (issue 14): whole runs on a real git repository with real checks, whose munero.yaml declares a
 * profile of role {@code reviewer}, driven by a scripted model that answers the planner, the task agents and the
 * reviewer apart.
 */
class ReviewRunTest {
    /** Each scripted call costs this: 1,000 input and 100 output tokens at $3 and $15 per million. */
    private static final double CALL_USD = (1000 * 3 + 100 * 15) / 1e6;
    private static final String COMMENTS = "greeting.txt says only hello; the spec asks for hello world";
    private static final String REJECT = "{\"approved\":false,\"comments\":\"" + COMMENTS + "\"}";
    private static final String APPROVE = "{\"approved\":true,\"comments\":\"does the task\"}";

    @TempDir
    Path dir;

    /** A repository whose munero.yaml declares a coder and, when {@code reviewer}, a reviewer profile. */
    private RunFixture fixture(boolean reviewer) throws Exception {
        RunFixture fx = new RunFixture(dir);
        Files.writeString(fx.repo.resolve("munero.yaml"), """
                steps:
                  - name: noop
                    command: ["true"]
                agents:
                  - name: coder-1
                    role: coder
                    max_concurrent: 3
                """ + (reviewer ? """
                  - name: critic
                    role: reviewer
                """ : ""), StandardCharsets.UTF_8);
        RunFixture.git(fx.repo, "add", "-A");
        RunFixture.git(fx.repo, "-c", "user.name=Test", "-c", "user.email=test@localhost", "commit", "-q", "-m",
                "profiles");
        return fx;
    }

    /** The plan with every task tagged for the coder profile, as a planner with profiles must tag them. */
    private static String coder(String plan) {
        return plan.replace("\"depends_on\":[]}", "\"depends_on\":[],\"role\":\"coder\",\"skills\":[]}");
    }

    private static RunLimits limits(int agents, int reviewRounds) {
        return new RunLimits(OptionalDouble.empty(), Duration.ofMinutes(5), 3, agents, 10, 1000,
                PermissionMode.AUTO_EDIT, List.of(), true, reviewRounds);
    }

    private static List<StoredEvent> ofType(List<StoredEvent> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    @Test
    void aRejectedTaskRunsAgainWithTheReviewersCommentsAndIsApprovedInTheSecondRound() throws Exception {
        RunFixture fx = fixture(true);
        RoleScriptedModel model = new RoleScriptedModel().plan(coder(plan("greet")))
                .task("greet", "write_file", write("greeting.txt", "hello\\n"), "finish", finish("wrote hello"))
                .review("greet", "read_file", "{\"path\":\"greeting.txt\"}", "submit_review", REJECT)
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("fixed"))
                .review("greet", "submit_review", APPROVE);
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    limits(1, 2), fx.session(model));

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(model.calls()).containsExactly("plan#0", "task:greet#0", "task:greet#1", "review:greet#0",
                    "review:greet#1", "task:greet#2", "task:greet#3", "review:greet#2");
            // the agent's second session is its first prompt followed by the reviewer's comments
            String firstPrompt = model.request("task:greet#0").messages().getFirst().text();
            String secondPrompt = model.request("task:greet#2").messages().getFirst().text();
            assertThat(firstPrompt).doesNotContain("reviewer");
            assertThat(secondPrompt).startsWith(firstPrompt).contains("sent it back", COMMENTS);
            // the reviewer sees the task and its diff (the new file included), and has read-only tools
            String review = model.request("review:greet#0").messages().getFirst().text();
            assertThat(review).contains("Task under review (id greet)", "b/greeting.txt", "+hello");
            assertThat(model.request("review:greet#0").tools()).extracting(ToolDefinition::name)
                    .containsExactly("read_file", "list_files", "glob", "grep", "submit_review");
            assertThat(model.request("review:greet#2").messages().getFirst().text())
                    .contains("In round 1 the change was sent back with these comments", COMMENTS, "+hello world");

            List<StoredEvent> events = store.events(outcome.runId(), 0);
            assertThat(RunFixture.types(events)).containsSubsequence("task_assigned", "task_started",
                    "review_finished", "review_finished", "task_finished", "checkpoint", "checks_finished");
            assertThat(ofType(events, "task_started")).hasSize(1);
            assertThat(ofType(events, "review_finished")).extracting(e -> e.payload().path("round").asInt(),
                    e -> e.payload().path("reviewer").asString(), e -> e.payload().path("approved").asBoolean(),
                    e -> e.payload().path("comments").asString()).containsExactly(
                    tuple(1, "critic", false, COMMENTS), tuple(2, "critic", true, "does the task"));
            assertThat(ofType(events, "review_finished")).extracting(e -> e.payload().path("cost_usd").asDouble())
                    .satisfiesExactly(c -> assertThat(c).isCloseTo(2 * CALL_USD, Offset.offset(1e-9)),
                            c -> assertThat(c).isCloseTo(CALL_USD, Offset.offset(1e-9)));
            assertThat(ofType(events, "model_call")).extracting(e -> e.payload().path("scope").asString())
                    .containsExactly("plan", "task:1:greet", "task:1:greet", "review:1:greet:1", "review:1:greet:1",
                            "task:1:greet#2", "task:1:greet#2", "review:1:greet:2");
            assertThat(ofType(events, "tool_call")).extracting(e -> e.payload().path("scope").asString(),
                    e -> e.payload().path("name").asString()).contains(tuple("review:1:greet:1", "read_file"),
                    tuple("task:1:greet#2", "write_file"));
            // the task's result sums its two sessions
            assertThat(ofType(events, "task_finished")).singleElement().satisfies(e -> {
                assertThat(e.payload().path("turns").asInt()).isEqualTo(4);
                assertThat(e.payload().path("summary").asString()).isEqualTo("fixed");
            });
            // the reviewer's calls are in the run's cost, its budget and its breakdowns
            RunMetrics metrics = RunMetrics.of(events);
            assertThat(metrics.modelCalls()).isEqualTo(8);
            assertThat(metrics.costUsd()).isCloseTo(8 * CALL_USD, Offset.offset(1e-9));
            assertThat(outcome.costUsd()).isCloseTo(8 * CALL_USD, Offset.offset(1e-9));
            assertThat(metrics.costByPhase().get("reviewing")).isCloseTo(3 * CALL_USD, Offset.offset(1e-9));
            assertThat(metrics.costByTask()).containsOnlyKeys("greet");
            assertThat(metrics.costByAgent()).containsKey("reviewer");
            // the approved work is the task's one checkpoint commit
            assertThat(RunFixture.gitOutput(fx.repo, "show", outcome.branch() + ":greeting.txt"))
                    .isEqualTo("hello world");
            assertThat(RunFixture.gitOutput(fx.repo, "log", "--format=%s", outcome.branch()))
                    .containsOnlyOnce("munero: task greet (iteration 1)");
        }
    }

    @Test
    void afterTheLastRoundsRejectionTheWorkGoesOnNotApprovedAndTheChecksDecide() throws Exception {
        RunFixture fx = fixture(true);
        RoleScriptedModel model = new RoleScriptedModel().plan(coder(plan("greet")))
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("done"))
                // a rejection without comments is a tool error the reviewer corrects
                .review("greet", "submit_review", "{\"approved\":false,\"comments\":\" \"}", "submit_review", REJECT)
                .task("greet", "finish", finish("nothing to change"))
                .review("greet", "submit_review", REJECT);
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    limits(1, 2), fx.session(model));

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            // two reviews, so two sessions of the agent and no third
            assertThat(model.calls()).containsExactly("plan#0", "task:greet#0", "task:greet#1", "review:greet#0",
                    "review:greet#1", "task:greet#2", "review:greet#2");
            assertThat(model.unused()).isZero();
            List<StoredEvent> events = store.events(outcome.runId(), 0);
            assertThat(ofType(events, "tool_call")).filteredOn(e -> e.payload().path("name").asString()
                    .equals("submit_review")).extracting(e -> e.payload().path("error").asBoolean())
                    .containsExactly(true, false, false);
            assertThat(ofType(events, "review_finished")).extracting(e -> e.payload().path("round").asInt(),
                    e -> e.payload().path("approved").asBoolean()).containsExactly(tuple(1, false), tuple(2, false));
            assertThat(ofType(events, "checks_finished")).singleElement()
                    .satisfies(e -> assertThat(e.payload().path("passed").asBoolean()).isTrue());
        }
    }

    @Test
    void withOneRoundARejectionDoesNotRunTheAgentAgain() throws Exception {
        RunFixture fx = fixture(true);
        RoleScriptedModel model = new RoleScriptedModel().plan(coder(plan("greet")))
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("done"))
                .review("greet", "submit_review", REJECT);
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    limits(1, 1), fx.session(model));

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(model.calls()).containsExactly("plan#0", "task:greet#0", "task:greet#1", "review:greet#0");
            assertThat(ofType(store.events(outcome.runId(), 0), "review_finished")).singleElement()
                    .satisfies(e -> assertThat(e.payload().path("approved").asBoolean()).isFalse());
        }
    }

    @Test
    void withoutAReviewerProfileTheRunSendsWhatItSentBefore() throws Exception {
        RunFixture fx = fixture(false);
        RoleScriptedModel model = new RoleScriptedModel().plan(coder(plan("greet")))
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("done"));
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    limits(1, 2), fx.session(model));

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(model.calls()).containsExactly("plan#0", "task:greet#0", "task:greet#1");
            assertThat(model.request("task:greet#0").tools()).extracting(ToolDefinition::name)
                    .doesNotContain("submit_review");
            assertThat(RunFixture.types(store.events(outcome.runId(), 0))).doesNotContain("review_finished");
        }
    }

    @Test
    void parallelReviewsRunOnTheAgentsThreadsSoTheCoordinatorKeepsMergingAndStarting() throws Exception {
        RunFixture fx = fixture(true);
        String plan = """
                {"summary":"three files","tasks":[
                 {"id":"alpha","description":"Write a.txt","files":["a.txt"],"depends_on":[]},
                 {"id":"beta","description":"Write b.txt","files":["b.txt"],"depends_on":[]},
                 {"id":"gamma","description":"Write c.txt","files":["c.txt"],"depends_on":[]}],
                 "checks":[{"name":"files","run":"test -f a.txt && test -f b.txt && test -f c.txt"}]}""";
        // alpha's review waits until gamma's agent has started, which needs a free slot (two agents): beta's work
        // must be reviewed, merged and its slot given to gamma while alpha's review is still running
        CountDownLatch gammaStarted = new CountDownLatch(1);
        RoleScriptedModel model = new RoleScriptedModel().plan(coder(plan))
                .task("alpha", "write_file", write("a.txt", "a\\n"), "finish", finish("a"))
                .task("beta", "write_file", write("b.txt", "b\\n"), "finish", finish("b"))
                .task("gamma", "write_file", write("c.txt", "c\\n"), "finish", finish("c"))
                .review("alpha", "submit_review", APPROVE)
                .review("beta", "submit_review", APPROVE)
                .review("gamma", "submit_review", APPROVE)
                .hook((role, index) -> {
                    if (role.equals("task:gamma") && index == 0) {
                        gammaStarted.countDown();
                    }
                    if (role.equals("review:alpha")) {
                        assertThat(gammaStarted.await(5, TimeUnit.MINUTES)).as("gamma started").isTrue();
                    }
                });
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    limits(2, 2), fx.session(model));

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            List<StoredEvent> events = store.events(outcome.runId(), 0);
            assertThat(ofType(events, "review_finished")).extracting(e -> e.payload().path("task").asString())
                    .containsExactlyInAnyOrder("alpha", "beta", "gamma");
            assertThat(ofType(events, "merge_conflict")).isEmpty();
            // each review read its own task's worktree: only that task's file is in its diff
            assertThat(model.request("review:alpha#0").messages().getFirst().text()).contains("b/a.txt")
                    .doesNotContain("b/b.txt", "b/c.txt");
            for (String f : List.of("a.txt", "b.txt", "c.txt")) {
                assertThat(Path.of(outcome.worktree()).resolve(f)).exists();
            }
        }
    }

    @Test
    void aResumedSessionAnswersTheFinishedReviewFromTheStoreAndGoesOnWhereItStopped() throws Exception {
        RunFixture fx = fixture(true);
        RoleScriptedModel first = new RoleScriptedModel().plan(coder(plan("greet")))
                .task("greet", "write_file", write("greeting.txt", "hello\\n"), "finish", finish("wrote hello"))
                .review("greet", "submit_review", REJECT)
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"))
                .hook((role, index) -> {
                    if (role.equals("task:greet") && index == 2) { // the second session's first call
                        fx.pauseFromAnotherConnectionAndWait();
                    }
                });
        String id;
        try (Store store = fx.store()) {
            BuildManager.Outcome paused = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    limits(1, 2), fx.session(first));
            id = paused.runId();
            assertThat(paused.status()).as(paused.message()).isEqualTo(BuildManager.Status.PAUSED);
        }
        RoleScriptedModel second = new RoleScriptedModel()
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("fixed"))
                .review("greet", "submit_review", APPROVE);
        try (Store store = fx.store()) {
            BuildManager.Outcome done = BuildManager.resume(store, id, l -> l, fx.session(second));

            assertThat(done.status()).as(done.message()).isEqualTo(BuildManager.Status.COMPLETED);
            // the first session's agent calls and its finished review came from the store; only the cut-off
            // session and the second review were sent
            assertThat(second.calls()).containsExactly("task:greet#0", "task:greet#1", "review:greet#0");
            List<StoredEvent> events = store.events(id, 0);
            assertThat(ofType(events, "model_call")).filteredOn(e -> e.payload().path("scope").asString()
                    .equals("review:1:greet:1")).extracting(e -> e.payload().path("from_store").asBoolean())
                    .containsExactly(false, true);
            assertThat(ofType(events, "review_finished")).extracting(e -> e.payload().path("round").asInt(),
                    e -> e.payload().path("approved").asBoolean())
                    .containsExactly(tuple(1, false), tuple(1, false), tuple(2, true));
            assertThat(RunFixture.gitOutput(fx.repo, "show", done.branch() + ":greeting.txt"))
                    .isEqualTo("hello world");
        }
    }
}
