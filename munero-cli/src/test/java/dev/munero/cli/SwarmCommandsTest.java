package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.BuildManager;
import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import dev.munero.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** What the CLI says about the swarm (issue 14): run's lines for the new events, and munero agents. */
class SwarmCommandsTest {
    @TempDir
    Path repo;

    private static String print(RunEvent... events) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RunConsole console = new RunConsole(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false,
                RunConsole.Level.INFO, Clock.systemUTC());
        for (RunEvent e : events) {
            console.accept(e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, Double> map(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Double) kv[i + 1]);
        }
        return m;
    }

    @Test
    void runPrintsALineForEachSwarmEventAndNoneForTheDefaultProfile() {
        Map<String, Double> weights = map("availability", 0.15, "expertise", 0.35, "workload", 0.15, "success", 0.2,
                "affinity", 0.15);
        String out = print(
                new RunEvent.TaskAssigned(1, "parse", "coder-1", "coder", 1, 0.82, map("availability", 1.0,
                        "expertise", 1.0, "workload", 1.0, "success", 0.75, "affinity", 0.0), weights,
                        map("coder-2", 0.61, "qa", 0.4)),
                new RunEvent.LeaseAcquired(1, "parse", List.of("src/Parser.java", "src/Lexer.java"),
                        "2026-11-26T21:00:00Z"),
                new RunEvent.LeaseConflict(1, "lex", "src/Lexer.java", "task parse (coder-1)", "wait"),
                new RunEvent.LeaseConflict(1, "lex", "src/Parser.java", "task parse (coder-1)", "refused"),
                new RunEvent.ReviewFinished(1, "parse", 1, "rev", false, "Handle empty input.\nAlso...", 0.0123),
                new RunEvent.ReviewFinished(1, "parse", 2, "rev", true, "", 0.01),
                new RunEvent.TaskAssigned(1, "greet", "agent", "coder", 1, 1.0, Map.of("availability", 1.0),
                        Map.of("availability", 1.0), Map.of()));
        assertThat(out).isEqualTo("""
                  task parse \u2192 coder-1 (score 0.82: expertise 1.00, success 0.75, availability 1.00, workload \
                1.00, affinity 0.00; others: coder-2 0.61, qa 0.40)
                  task parse leased src/Parser.java, src/Lexer.java (until 2026-11-26T21:00:00Z)
                  task lex waits: src/Lexer.java is leased by task parse (coder-1)
                  task lex: write to src/Parser.java refused, leased by task parse (coder-1)
                  review 1 of task parse by rev: not approved: Handle empty input. ($0.0123)
                  review 2 of task parse by rev: approved ($0.0100)
                """);
    }

    @Test
    void agentsListsEachProfileWithItsHistoryAndThoseOnlyInTheHistory() throws Exception {
        Files.writeString(repo.resolve("munero.yaml"), """
                steps:
                  - name: test
                    command: ["true"]
                agents:
                  - name: coder-1
                    role: coder
                    skills: [java]
                    max_concurrent: 2
                  - name: qa
                    role: tester
                """, StandardCharsets.UTF_8);
        Files.createDirectories(repo.resolve(".munero"));
        Instant t0 = Instant.parse("2026-11-26T20:00:00Z");
        try (Store store = Store.open(BuildManager.databaseOf(repo), Clock.systemUTC())) {
            store.createRun("r1", "Completed", RunEvents.JSON.createObjectNode(), RunEvents.JSON.createObjectNode());
            store.startAgentTask("r1", 1, "a", "coder-1", "coder", t0);
            store.finishAgentTask("r1", 1, "a", t0.plusSeconds(30), "finished", OptionalDouble.of(0.02), List.of());
            store.startAgentTask("r1", 1, "b", "coder-1", "coder", t0);
            store.finishAgentTask("r1", 1, "b", t0.plusSeconds(10), "finished", OptionalDouble.of(0.04), List.of());
            store.settleAgentTasks("r1", false);
            store.startAgentTask("r1", 2, "a", "coder-1", "coder", t0.plusSeconds(60));
            store.finishAgentTask("r1", 2, "a", t0.plusSeconds(80), "finished", OptionalDouble.of(0.03), List.of());
            store.settleAgentTasks("r1", true);
            store.startAgentTask("r1", 2, "c", "old-coder", "coder", t0);
            store.finishAgentTask("r1", 2, "c", t0.plusSeconds(5), "max-turns", OptionalDouble.empty(), List.of());
        }
        Map<String, String> env = new HashMap<>(Map.of("HOME", repo.toString()));

        Cli.Result json = Cli.run(repo, env, "agents", "--json");
        assertThat(json.exitCode()).as(json.all()).isZero();
        JsonNode list = RunEvents.JSON.readTree(json.out());
        assertThat(list).hasSize(3);
        JsonNode coder = list.get(0);
        assertThat(coder.path("name").asString()).isEqualTo("coder-1");
        assertThat(coder.path("configured").asBoolean()).isTrue();
        assertThat(coder.path("source").asString()).isEqualTo("munero.yaml:5");
        assertThat(coder.path("tasks").asInt()).isEqualTo(3);
        assertThat(coder.path("judged").asInt()).isEqualTo(3);
        assertThat(coder.path("passed").asInt()).isEqualTo(1);
        assertThat(coder.path("success_rate").asDouble()).isEqualTo(1 / 3.0);
        assertThat(coder.path("cost_per_task_usd").asDouble()).isCloseTo(0.03, org.assertj.core.data.Offset.offset(
                1e-9));
        assertThat(coder.path("seconds_per_task").asDouble()).isEqualTo(20.0);
        assertThat(coder.path("max_concurrent").asInt()).isEqualTo(2);
        JsonNode qa = list.get(1);
        assertThat(qa.path("tasks").asInt()).isZero();
        assertThat(qa.path("success_rate").isNull()).isTrue();
        JsonNode old = list.get(2);
        assertThat(old.path("name").asString()).isEqualTo("old-coder");
        assertThat(old.path("configured").asBoolean()).isFalse();
        assertThat(old.path("cost_per_task_usd").isNull()).isTrue();

        Cli.Result text = Cli.run(repo, env, "agents");
        assertThat(text.exitCode()).as(text.all()).isZero();
        assertThat(text.out()).contains("coder-1", "33% (1/3)", "$0.0300", "20.0 s", "run's model; java")
                .contains("old-coder").contains("(not configured now: only in the history)");
    }

    @Test
    void agentsSaysWhereMuneroYamlIsWrong() throws Exception {
        Files.writeString(repo.resolve("munero.yaml"), "steps:\n  - name: t\n    command: [\"true\"]\nagents:\n"
                + "  - name: a\n    role: coder\n    tools: [delete_everything]\n", StandardCharsets.UTF_8);
        Cli.Result r = Cli.run(repo, new HashMap<>(Map.of("HOME", repo.toString())), "agents");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("munero: error: munero.yaml:7: agents[0] (a).tools: no tool is named "
                + "'delete_everything'");
    }
}
