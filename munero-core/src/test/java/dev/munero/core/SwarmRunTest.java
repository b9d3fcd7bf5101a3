package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static dev.munero.core.RunFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.munero.core.app.Agents;
import dev.munero.store.AgentTaskRecord;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Whole runs with agent profiles (issue 14): munero.yaml's {@code agents:}, the planner's tags, the scoring
 * scheduler's choices as {@code task_assigned} events, the profiles' tools, and the measured history in
 * {@code agent_tasks} that the next run scores with. Real git, real checks, a scripted model.
 */
class SwarmRunTest {
    static final String MUNERO_YAML = """
            steps:
              - name: test
                command: ["true"]
            agents:
              - name: lead
                role: planner
              - name: coder-1
                role: coder
                skills: [java]
              - name: coder-2
                role: coder
                skills: [docs]
              - name: qa
                role: tester
                skills: [java]
                tools: [read_file, write_file, run_command]
            """;

    @TempDir
    Path dir;

    private static String task(String id, String role, String skills, String file) {
        return "{\"id\":\"" + id + "\",\"description\":\"Write " + file + "\",\"files\":[\"" + file + "\"],"
                + "\"depends_on\":[],\"role\":\"" + role + "\",\"skills\":[" + skills + "]}";
    }

    private static String plan(String... tasks) {
        return "{\"summary\":\"split the work\",\"tasks\":[" + String.join(",", tasks) + "],\"checks\":[{\"name\":"
                + "\"files\",\"run\":\"test -s " + "$(ls *.txt | head -1)\"}]}";
    }

    private RunFixture fixture() throws Exception {
        RunFixture fx = new RunFixture(dir);
        Files.writeString(fx.repo.resolve("munero.yaml"), MUNERO_YAML, StandardCharsets.UTF_8);
        RunFixture.git(fx.repo, "add", "-A");
        RunFixture.git(fx.repo, "-c", "user.name=Test", "-c", "user.email=test@localhost", "commit", "-q", "-m",
                "profiles");
        return fx;
    }

    private static Map<String, JsonNode> assignments(List<StoredEvent> events) {
        return events.stream().filter(e -> e.type().equals("task_assigned")).collect(Collectors.toMap(
                e -> e.payload().path("task").asString(), StoredEvent::payload));
    }

    @Test
    void threeProfilesThreeAgentsEachTaskGoesToTheBestScoredProfileWithItsFactorsSaid() throws Exception {
        RunFixture fx = fixture();
        CountDownLatch allStarted = new CountDownLatch(3);
        RoleScriptedModel model = new RoleScriptedModel()
                .plan(plan(task("docs", "coder", "\"docs\"", "docs.txt"), task("core", "coder", "\"java\"", "core.txt"),
                        task("verify", "tester", "\"java\"", "verify.txt")))
                .task("docs", "write_file", write("docs.txt", "docs\\n"), "finish", finish("docs"))
                .task("core", "write_file", write("core.txt", "core\\n"), "finish", finish("core"))
                .task("verify", "write_file", write("verify.txt", "ok\\n"), "finish", finish("verified"))
                .hook((role, index) -> {
                    if (index == 0 && role.startsWith("task:")) {
                        allStarted.countDown(); // the three agents really run at once
                        assertThat(allStarted.await(5, TimeUnit.MINUTES)).isTrue();
                    }
                });
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(3, OptionalDouble.empty()), fx.session(model));

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            Map<String, JsonNode> assigned = assignments(store.events(outcome.runId(), 0));
            // docs first: coder-2 has its skill (expertise 1), coder-1 only the role (0.5), qa neither (0)
            JsonNode docs = assigned.get("docs");
            assertThat(docs.path("profile").asString()).isEqualTo("coder-2");
            assertThat(docs.path("score").asDouble()).isCloseTo(0.75, within(1e-9));
            assertThat(docs.at("/factors/expertise").asDouble()).isEqualTo(1.0);
            assertThat(docs.at("/factors/success").asDouble()).isEqualTo(0.5); // no history yet: the prior
            assertThat(docs.at("/others/coder-1").asDouble()).isCloseTo(0.575, within(1e-9));
            assertThat(docs.at("/others/qa").asDouble()).isCloseTo(0.4, within(1e-9));
            assertThat(docs.has("/others/lead")).isFalse(); // a planner takes no tasks
            // core next: coder-2 is full (max_concurrent 1), coder-1 has java and the role
            JsonNode core = assigned.get("core");
            assertThat(core.path("profile").asString()).isEqualTo("coder-1");
            assertThat(core.at("/others").propertyNames()).containsExactly("qa");
            assertThat(core.at("/others/qa").asDouble()).isCloseTo(0.575, within(1e-9));
            // verify last: only qa is free, and it is the tester
            JsonNode verify = assigned.get("verify");
            assertThat(verify.path("profile").asString()).isEqualTo("qa");
            assertThat(verify.path("role").asString()).isEqualTo("tester");
            assertThat(verify.path("others").isEmpty()).isTrue();
            assertThat(verify.at("/weights/expertise").asDouble()).isEqualTo(0.35);
            // the planner was asked for roles and skills; qa's agent had only its tools (and finish)
            assertThat(model.toolsOffered("task:verify")).containsExactlyInAnyOrder("read_file", "write_file",
                    "run_command", "finish");
            assertThat(model.toolsOffered("task:docs")).contains("edit_file", "grep", "memory_search");
            // the history: one row per task, its files from git, the checks after them passed
            List<AgentTaskRecord> rows = store.agentTasks();
            assertThat(rows).extracting(AgentTaskRecord::task, AgentTaskRecord::profile).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("docs", "coder-2"),
                    org.assertj.core.groups.Tuple.tuple("core", "coder-1"),
                    org.assertj.core.groups.Tuple.tuple("verify", "qa"));
            assertThat(rows).allSatisfy(r -> {
                assertThat(r.checksPassed()).contains(true);
                assertThat(r.condition()).contains("finished");
                assertThat(r.files()).containsExactly(r.task() + ".txt");
                assertThat(r.costUsd()).isPresent();
            });
        }
    }

    @Test
    void successRatesAndAffinityMeasuredInOneRunChangeTheNextRunsScores() throws Exception {
        RunFixture fx = fixture();
        try (Store store = fx.store()) {
            RoleScriptedModel first = new RoleScriptedModel().plan(plan(task("a", "coder", "", "a.txt")))
                    .task("a", "write_file", write("a.txt", "a\\n"), "finish", finish("a"));
            BuildManager.Outcome one = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(3, OptionalDouble.empty()), fx.session(first));
            assertThat(one.status()).as(one.message()).isEqualTo(BuildManager.Status.COMPLETED);
            JsonNode a = assignments(store.events(one.runId(), 0)).get("a");
            assertThat(a.path("profile").asString()).isEqualTo("coder-1"); // a tie with coder-2: declared first
            assertThat(a.at("/factors/success").asDouble()).isEqualTo(0.5);
            assertThat(a.at("/others/coder-2").asDouble()).isEqualTo(a.path("score").asDouble());

            RoleScriptedModel second = new RoleScriptedModel().plan(plan(task("b", "coder", "", "a.txt")))
                    .task("b", "write_file", write("a.txt", "b\\n"), "finish", finish("b"));
            BuildManager.Outcome two = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(3, OptionalDouble.empty()), fx.session(second));
            assertThat(two.status()).as(two.message()).isEqualTo(BuildManager.Status.COMPLETED);
            JsonNode b = assignments(store.events(two.runId(), 0)).get("b");
            assertThat(b.path("profile").asString()).isEqualTo("coder-1");
            assertThat(b.at("/factors/success").asDouble()).isCloseTo(2 / 3.0, within(1e-9)); // (1 + 1) / (1 + 2)
            assertThat(b.at("/factors/affinity").asDouble()).isEqualTo(1.0); // it changed a.txt in the first run
            assertThat(b.at("/others/coder-2").asDouble()).isCloseTo(0.75, within(1e-9));
        }
        List<Agents.Profile> listed = Agents.list(fx.repo);
        assertThat(listed).extracting(Agents.Profile::name).containsExactly("lead", "coder-1", "coder-2", "qa");
        Agents.Profile coder1 = listed.get(1);
        assertThat(coder1.tasks()).isEqualTo(2);
        assertThat(coder1.successRate()).isEqualTo(1.0);
        assertThat(coder1.successFactor()).isCloseTo(0.75, within(1e-9));
        assertThat(coder1.costPerTaskUsd()).isPositive();
        assertThat(coder1.secondsPerTask()).isNotNull();
        assertThat(listed.get(2).tasks()).isZero();
        assertThat(listed.get(2).successRate()).isNull();
    }
}
