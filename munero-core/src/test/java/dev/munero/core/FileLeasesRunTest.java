package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static dev.munero.core.RunFixture.plan;
import static dev.munero.core.RunFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StreamListener;
import dev.munero.llm.Usage;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File leases in whole runs (issue 14), on a real git repository with scripted models. */
class FileLeasesRunTest {
    @TempDir
    Path dir;

    /** Records every request, then lets the scripted model answer it. */
    private static final class Recording implements ChatModel {
        final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        private final ChatModel model;

        Recording(ChatModel model) {
            this.model = model;
        }

        @Override
        public ModelRef model() {
            return model.model();
        }

        @Override
        public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
            requests.add(request);
            return model.chat(request, listener);
        }

        /** The tool results task {@code id}'s agent was sent, in order. */
        List<ContentBlock.ToolResult> toolResults(String id) {
            return requests.stream().filter(r -> r.messages().getFirst().text().contains("Your task (id " + id + ")"))
                    .reduce((a, b) -> b).orElseThrow().messages().stream()
                    .flatMap(m -> m.content().stream()).filter(ContentBlock.ToolResult.class::isInstance)
                    .map(ContentBlock.ToolResult.class::cast).toList();
        }
    }

    /** A plan of tasks {@code id:file,file...}, whose one check is {@code check}. */
    private static String planOf(String check, String... tasks) {
        StringBuilder json = new StringBuilder();
        for (String t : tasks) {
            String[] idFiles = t.split(":");
            List<String> files = idFiles.length > 1 ? List.of(idFiles[1].split(",")) : List.of();
            json.append(json.isEmpty() ? "" : ",").append("{\"id\":\"").append(idFiles[0])
                    .append("\",\"description\":\"Edit ").append(String.join(" and ", files)).append(" (")
                    .append(idFiles[0]).append(")\",\"files\":[")
                    .append(String.join(",", files.stream().map(f -> "\"" + f + "\"").toList()))
                    .append("],\"depends_on\":[]}");
        }
        return "{\"summary\":\"s\",\"tasks\":[" + json + "],\"checks\":[{\"name\":\"check\",\"run\":\"" + check
                + "\"}]}";
    }

    private static StoredEvent only(List<StoredEvent> events, String type, String task) {
        return events.stream().filter(e -> e.type().equals(type) && e.payload().path("task").asString().equals(task))
                .reduce((a, b) -> {
                    throw new AssertionError("two " + type + " events of task " + task);
                }).orElseThrow(() -> new AssertionError("no " + type + " event of task " + task));
    }

    @Test
    void twoTasksPlannedOnTheSameFileNeverRunAtOnceWhileATaskOnAnotherFilePassesTheWaitingOne() throws Exception {
        RunFixture fx = new RunFixture(dir);
        CountDownLatch gammaStarted = new CountDownLatch(1);
        RoleScriptedModel model = new RoleScriptedModel()
                .plan(planOf("grep -q 'hello world' greeting.txt", "alpha:greeting.txt", "beta:greeting.txt",
                        "gamma:other.txt"))
                .task("alpha", "write_file", write("greeting.txt", "hello world from alpha\\n"), "finish", finish("a"))
                .task("beta", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("b"))
                .task("gamma", "write_file", write("other.txt", "other\\n"), "finish", finish("g"))
                .hook((role, index) -> {
                    if (role.equals("task:gamma") && index == 0) {
                        gammaStarted.countDown();
                    }
                    if (role.equals("task:alpha") && index == 0) { // gamma runs beside alpha, while beta waits
                        assertThat(gammaStarted.await(5, TimeUnit.MINUTES)).isTrue();
                    }
                });
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(2, OptionalDouble.empty()), fx.session(model));

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            List<StoredEvent> events = store.events(outcome.runId(), 0);
            assertThat(events).noneMatch(e -> e.type().equals("merge_conflict"));
            StoredEvent leased = only(events, "lease_acquired", "alpha");
            assertThat(leased.payload().path("files").toString()).isEqualTo("[\"greeting.txt\"]");
            StoredEvent wait = only(events, "lease_conflict", "beta");
            assertThat(wait.payload().path("file").asString()).isEqualTo("greeting.txt");
            assertThat(wait.payload().path("holder").asString()).isEqualTo("task alpha (agent)");
            assertThat(wait.payload().path("action").asString()).isEqualTo("wait");
            // beta started only after alpha's work was merged and its lease released, by the log's order and clock
            StoredEvent alphaDone = only(events, "task_finished", "alpha");
            StoredEvent betaStarted = only(events, "task_started", "beta");
            assertThat(betaStarted.seq()).isGreaterThan(alphaDone.seq());
            assertThat(betaStarted.at()).isAfterOrEqualTo(alphaDone.at());
            assertThat(only(events, "task_started", "gamma").seq()).isLessThan(alphaDone.seq());
            assertThat(Files.readString(Path.of(outcome.worktree()).resolve("greeting.txt"))).isEqualTo("hello world\n");
            assertThat(store.fileLeases().list()).isEmpty();
        }
    }

    @Test
    void anAgentWritingAFileAnotherRunningTaskHoldsIsToldWhoHoldsIt() throws Exception {
        RunFixture fx = new RunFixture(dir);
        CountDownLatch betaWasAnswered = new CountDownLatch(1);
        RoleScriptedModel scripted = new RoleScriptedModel()
                .plan(planOf("test -f a.txt", "alpha:a.txt", "beta:b.txt"))
                .task("alpha", "write_file", write("a.txt", "alpha\\n"), "finish", finish("a"))
                .task("beta", "write_file", write("a.txt", "beta was here\\n"), "finish", finish("b"))
                .hook((role, index) -> {
                    if (role.equals("task:beta") && index == 1) {
                        betaWasAnswered.countDown(); // beta's write has been refused or allowed by now
                    }
                    if (role.equals("task:alpha") && index == 1) { // alpha holds a.txt until beta has tried
                        assertThat(betaWasAnswered.await(5, TimeUnit.MINUTES)).isTrue();
                    }
                });
        Recording model = new Recording(scripted);
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(2, OptionalDouble.empty()), fx.session(model));

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(model.toolResults("beta")).singleElement().satisfies(r -> {
                assertThat(r.error()).isTrue();
                assertThat(r.content()).isEqualTo("a.txt is leased by task alpha (agent) of this run until it "
                        + "finishes; leave it to that task, or describe the change you need in your summary");
            });
            List<StoredEvent> events = store.events(outcome.runId(), 0);
            StoredEvent refused = only(events, "lease_conflict", "beta");
            assertThat(refused.payload().path("action").asString()).isEqualTo("refused");
            assertThat(refused.payload().path("holder").asString()).isEqualTo("task alpha (agent)");
            assertThat(events).noneMatch(e -> e.type().equals("merge_conflict"));
            assertThat(Files.readString(Path.of(outcome.worktree()).resolve("a.txt"))).isEqualTo("alpha\n");
        }
    }

    @Test
    void anUnplannedFileThatIsFreeIsLeasedOnTheSpot() throws Exception {
        RunFixture fx = new RunFixture(dir);
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "write_file",
                        write("notes/extra.txt", "more\\n"), "finish", finish("wrote"));
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.empty()), fx.session(model));

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(store.events(outcome.runId(), 0)).filteredOn(e -> e.type().equals("lease_acquired"))
                    .extracting(e -> e.payload().path("files").toString())
                    .containsExactly("[\"greeting.txt\"]", "[\"notes/extra.txt\"]");
        }
    }

    @Test
    void expiredLeasesOfAnotherRunAreTakenOver() throws Exception {
        RunFixture fx = new RunFixture(dir);
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("wrote it"));
        try (Store store = fx.store()) {
            Instant now = Instant.now();
            store.fileLeases().acquire("dead-run", "greet", "task greet (agent)", List.of("greeting.txt"),
                    now.minus(Duration.ofMinutes(20)), now.minus(Duration.ofMinutes(10)));

            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.empty()), fx.session(model));

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            List<StoredEvent> events = store.events(outcome.runId(), 0);
            assertThat(events).noneMatch(e -> e.type().equals("lease_conflict"));
            assertThat(only(events, "lease_acquired", "greet").payload().path("files").toString())
                    .isEqualTo("[\"greeting.txt\"]");
            assertThat(store.fileLeases().list()).isEmpty(); // taken over, then released when the task was merged
        }
    }

    @Test
    void aResumedSessionReleasesTheLeasesItsRunsEarlierSessionLeft() throws Exception {
        RunFixture fx = new RunFixture(dir);
        // the first session pauses at once (budget) after planning
        RoleScriptedModel first = new RoleScriptedModel().usage(new Usage(20_000, 0, 0, 0)).plan(plan("greet"));
        String runId;
        try (Store store = fx.store()) {
            runId = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.of(0.07)), fx.session(first)).runId();
            // as a session killed mid-task leaves them: a row of another task of the run, far from expiring
            Instant now = Instant.now();
            store.fileLeases().acquire(runId, "ghost", "task ghost (agent)", List.of("greeting.txt"), now,
                    now.plus(Duration.ofHours(1)));
        }
        RoleScriptedModel second = new RoleScriptedModel()
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("done"));
        try (Store store = fx.store()) {
            BuildManager.Outcome done = BuildManager.resume(store, runId, l -> new RunLimits(OptionalDouble.of(1.0),
                    l.timeout(), l.maxIterations(), l.agents(), l.maxTurns(), l.maxOutputTokens(), l.permissionMode(),
                    l.allow(), l.leases(), l.reviewRounds()), fx.session(second));

            assertThat(done.status()).as(done.message()).isEqualTo(BuildManager.Status.COMPLETED);
            List<StoredEvent> events = store.events(runId, 0);
            assertThat(events).noneMatch(e -> e.type().equals("lease_conflict")); // greet never waited on the ghost
            assertThat(store.fileLeases().list()).isEmpty();
        }
    }
}
