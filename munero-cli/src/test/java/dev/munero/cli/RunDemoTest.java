package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import dev.munero.memory.Author;
import dev.munero.memory.Filter;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.PutRequest;
import dev.munero.memory.ValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's first command: {@code munero run} on {@code examples/run-calc}, replaying
 * {@code examples/run-calc.session.jsonl}. The recording is of a scripted model (the turns below: a plan of two
 * tasks, an agent that gives {@code multiply} a {@code long} result the check cannot compile against, a reflection
 * with a lesson, and the fix in a second iteration), served over the real Anthropic protocol by the strict fake. It
 * is not a real model's work, and the README says so.
 *
 * <p>Re-record with {@code ./mvnw -q -B -o -pl munero-cli test -Dtest=RunDemoTest -Dmunero.recordDemo=true} after a
 * change to a prompt, a tool or the plan schema breaks {@link #theBundledRunReplaysToPassingChecks}.
 */
class RunDemoTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path EXAMPLE = Path.of("..", "examples", "run-calc").toAbsolutePath().normalize();
    private static final Path SESSION = EXAMPLE.resolveSibling("run-calc.session.jsonl");
    private static final String KEY = "sk-ant-demo-recording";
    private static final String PLAN = """
            {"summary":"Fix Calc.add, then add Calc.multiply; the test step is the acceptance check.",
             "tasks":[
              {"id":"fix-add","description":"Calc.add subtracts its arguments; make it return a + b.",
               "files":["src/calc/Calc.java"],"depends_on":[]},
              {"id":"add-multiply","description":"Add a static method Calc.multiply(int a, int b) returning a * b.",
               "files":["src/calc/Calc.java"],"depends_on":["fix-add"]}],
             "checks":[{"name":"test"}]}""";
    private static final String REFLECTION = """
            {"analysis":"compile fails: CalcCheck assigns Calc.multiply's result to an int, but multiply returns long.",
             "lessons":[{"check":"test","what_failed":"compile: CalcCheck.java: incompatible types: possible lossy conversion from long to int",
               "why":"Calc.multiply was declared to return long, and the spec and CalcCheck use int",
               "fix":"declare multiply as returning int, as the spec says","files":["src/calc/Calc.java"]}],
             "tasks":[{"id":"add-multiply","description":"Calc.multiply must return int, not long: the spec asks for methods on ints and CalcCheck assigns the result to an int.",
               "files":["src/calc/Calc.java"],"depends_on":["fix-add"]}]}""";

    @TempDir
    Path tmp;

    @Test
    void theBundledRunReplaysToPassingChecks() throws Exception {
        Path repo = copyExample();

        Cli.Result run = Cli.run(repo, environment(Map.of()), "run", "--spec", "SPEC.md", "--replay",
                SESSION.toString());

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).contains("plan: 2 tasks", "checks FAILED", "lesson: test", "iteration 2",
                "checks test: PASSED", "every check passed in iteration 2", "branch: munero/");
        Path report = onlyRunReport(repo);
        JsonNode json = JSON.readTree(report.toFile());
        assertThat(json.path("status").asString()).isEqualTo("completed");
        assertThat(json.path("iterations").asInt()).isEqualTo(2);
        assertThat(json.path("cost_usd").asDouble()).isPositive();
        assertThat(json.path("metrics").path("model_calls").asInt()).isEqualTo(8);
        String branch = json.path("branch").asString();
        Path worktree = Path.of(json.path("worktree").asString());
        String calc = Files.readString(worktree.resolve("src/calc/Calc.java"), StandardCharsets.UTF_8);
        assertThat(calc).contains("return a + b;", "public static int multiply(int a, int b)");
        // the user's checkout is untouched; the branch has a checkpoint per task and iteration
        assertThat(Files.readString(repo.resolve("src/calc/Calc.java"))).contains("return a - b;");
        assertThat(git(repo, "log", "--format=%s", branch)).contains("munero: iteration 2", "munero: iteration 1",
                "munero: task add-multiply (iteration 2)", "munero: task fix-add (iteration 1)");

        Cli.Result cost = Cli.run(repo, environment(Map.of()), "cost", json.path("run").asString());
        assertThat(cost.exitCode()).isZero();
        assertThat(cost.out()).contains("by phase:", "executing", "planning", "reflecting", "by task:", "fix-add");
        Cli.Result diff = Cli.run(repo, environment(Map.of()), "diff", json.path("run").asString(), "0", "2");
        assertThat(diff.out()).contains("-        return a - b;", "+        return a + b;");
    }

    @Test
    void theSessionCommandsReadWhatTheRunStored() throws Exception {
        Path repo = copyExample();
        Cli.Result run = Cli.run(repo, environment(Map.of()), "run", "--spec", "SPEC.md", "--replay",
                SESSION.toString(), "--events", "jsonl");
        assertThat(run.exitCode()).as("%s", run).isZero();
        // --events jsonl: every stdout line is an event; the summary went to stderr
        List<JsonNode> events = run.out().lines().map(JSON::readTree).toList();
        assertThat(events).extracting(e -> e.path("type").asString()).contains("run_started", "plan_accepted",
                "task_started", "model_call", "tool_call", "checks_finished", "lesson_recorded", "cost_update",
                "progress", "run_completed");
        assertThat(run.err()).contains("completed — every check passed");
        String id = events.getFirst().path("run_id").asString();

        JsonNode list = JSON.readTree(Cli.run(repo, environment(Map.of()), "sessions", "list", "--json").out());
        assertThat(list).singleElement().satisfies(r -> {
            assertThat(r.path("id").asString()).isEqualTo(id);
            assertThat(r.path("state").asString()).isEqualTo("Completed");
            assertThat(r.path("tasks_done").asInt()).isEqualTo(2);
            assertThat(r.path("tasks_total").asInt()).isEqualTo(2);
        });
        assertThat(Cli.run(repo, environment(Map.of()), "sessions", "show", id).out())
                .contains("[x] fix-add", "[x] add-multiply", "checks: test", "1: ", "2: ");
        JsonNode report = JSON.readTree(Cli.run(repo, environment(Map.of()), "report", id, "--json").out());
        assertThat(report.path("iterations").asInt()).isEqualTo(2);
        assertThat(report.path("check_runs").asInt()).isEqualTo(2);
        assertThat(report.path("tool_calls").asInt()).isEqualTo(6);

        // a finished run cannot be paused; it can be rolled back to iteration 1's checkpoint
        assertThat(Cli.run(repo, environment(Map.of()), "pause", id).exitCode()).isEqualTo(2);
        Cli.Result rollback = Cli.run(repo, environment(Map.of()), "rollback", id, "--to", "1");
        assertThat(rollback.exitCode()).as("%s", rollback).isZero();
        JsonNode shown = JSON.readTree(Cli.run(repo, environment(Map.of()), "sessions", "show", id, "--json").out());
        String iteration1 = shown.path("iteration_commits").path("1").asString();
        assertThat(git(repo, "rev-parse", "munero/" + id).strip()).isEqualTo(iteration1);

        Cli.Result dry = Cli.run(repo, environment(Map.of()), "sessions", "cleanup", "--max-age", "0s", "--dry-run");
        assertThat(dry.out()).contains("would delete " + id);
        assertThat(Cli.run(repo, environment(Map.of()), "sessions", "cleanup", "--max-age", "0s").exitCode()).isZero();
        assertThat(Cli.run(repo, environment(Map.of()), "sessions", "list").out()).contains("no runs yet");
        assertThat(git(repo, "branch", "--list", "munero/" + id)).contains("munero/" + id); // the result is kept
        assertThat(Cli.run(repo, environment(Map.of()), "cost", id).exitCode()).isEqualTo(2);
    }

    @Test // issue 11.4, 11.5
    void everySessionCommandOnACompletedRunSaysItCompletedAndWhatToDo() throws Exception {
        Path repo = copyExample();
        Cli.Result run = Cli.run(repo, environment(Map.of()), "run", "--spec", "SPEC.md", "--replay",
                SESSION.toString());
        assertThat(run.exitCode()).as("%s", run).isZero();
        String id = JSON.readTree(onlyRunReport(repo).toFile()).path("run").asString();
        Map<String, String> env = environment(Map.of());

        Cli.Result pause = Cli.run(repo, env, "pause", id);
        assertThat(pause.exitCode()).isEqualTo(2);
        assertThat(pause.err()).contains("run " + id + " completed at", "(Completed); there is nothing to pause",
                "git merge munero/" + id);
        // no key is asked for: there is nothing to send
        Cli.Result resume = Cli.run(repo, env, "resume", id);
        assertThat(resume.exitCode()).isEqualTo(2);
        assertThat(resume.err()).contains("(Completed); there is nothing to resume", "munero report " + id)
                .doesNotContain("API_KEY");
        assertThat(Cli.run(repo, env, "cost", id).out()).contains("run " + id + " (Completed): $",
                "run " + id + " completed at", "Next: see munero report " + id, "munero rollback " + id + " --to N");
        assertThat(Cli.run(repo, env, "report", id).out()).contains("run " + id + ": Completed after 2 iterations");
        assertThat(Cli.run(repo, env, "sessions", "show", id).out()).contains("run " + id + ": Completed");

        Cli.Result rollback = Cli.run(repo, env, "rollback", id, "--to", "1");
        assertThat(rollback.out()).contains("the run is Paused (it was Completed)", "next: munero resume " + id);
        JsonNode list = JSON.readTree(Cli.run(repo, env, "sessions", "list", "--json").out());
        assertThat(list.get(0).path("state").asString()).isEqualTo("Paused");
        Cli.Result both = Cli.run(repo, env, "resume", id, "--budget-usd", "1", "--add-budget-usd", "1");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--budget-usd (a new total) or --add-budget-usd (an increase), not both");
    }

    @Test // issue 11.3
    void followingTheBudgetAdviceOfEachPauseFinishesTheRun() throws Exception {
        Path repo = copyExample();
        Map<String, String> env = environment(Map.of());
        Cli.Result run = Cli.run(repo, env, "run", "--spec", "SPEC.md", "--replay", SESSION.toString(),
                "--budget-usd", "0.05");
        assertThat(run.exitCode()).as("%s", run).isEqualTo(3);
        java.util.regex.Pattern advice = java.util.regex.Pattern.compile(
                "next: munero resume (\\S+) --budget-usd ([0-9.]+) +\\(a new total; or --add-budget-usd ([0-9.]+)\\)");
        Cli.Result last = run;
        List<Double> advised = new ArrayList<>();
        for (int pauses = 0; last.exitCode() == 3; pauses++) {
            assertThat(pauses).as("still pausing after following the advice:%n%s", last.out()).isLessThan(12);
            java.util.regex.Matcher m = advice.matcher(last.out());
            assertThat(m.find()).as("%s", last.out()).isTrue();
            assertThat(last.out()).contains("resume with a total budget of at least $" + m.group(2));
            advised.add(Double.parseDouble(m.group(2)));
            int callsBefore = calls(last.out());
            // alternate between the two forms the advice offers
            last = pauses % 2 == 0
                    ? Cli.run(repo, env, "resume", m.group(1), "--replay", SESSION.toString(), "--budget-usd", m.group(2))
                    : Cli.run(repo, env, "resume", m.group(1), "--replay", SESSION.toString(), "--add-budget-usd",
                    m.group(3));
            assertThat(calls(last.out())).as("the call the advice was for went through:%n%s", last.out())
                    .isGreaterThan(callsBefore);
        }
        assertThat(last.exitCode()).as("%s", last).isZero();
        assertThat(advised).isSorted().hasSizeGreaterThan(1); // each advice is a total above the one before
    }

    /** The number of model calls the run summary counts. */
    private static int calls(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cost: \\$[0-9.]+ over (\\d+) model calls")
                .matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void theReplayedRunSucceedsTwiceInTheSameRepositoryWhateverLessonsItHolds() throws Exception { // issue 11.6
        // given a repository whose memory bank already holds a lesson about the file the demo's tasks touch
        Path repo = copyExample();
        Files.createDirectories(repo.resolve(".munero"));
        try (MemoryBank memory = MemoryBank.open(repo.resolve(".munero/munero.db"), java.time.Clock.systemUTC())) {
            memory.put(new PutRequest("project", "lesson/20200101-000000/1/0", "lesson", "What failed: compile: "
                    + "Calc.multiply overflowed\nWhy: an earlier live run used int for multiply\nFix: declare multiply "
                    + "as returning long", ValueType.TEXT, List.of("test", "src/calc/Calc.java", "confirmed"),
                    new Author("reflector", null, "20200101-000000"), PutRequest.ABSENT));
        }

        // when the recorded run is replayed twice in it, from its parent directory
        Cli.Result first = Cli.run(tmp, environment(Map.of()), "run", "-C", "run-calc", "--spec", "run-calc/SPEC.md",
                "--replay", SESSION.toString());
        Cli.Result second = Cli.run(tmp, environment(Map.of()), "run", "-C", "run-calc", "--spec", "run-calc/SPEC.md",
                "--replay", SESSION.toString());

        // then both pass, neither saw the stored lesson nor added its own to the learning store
        assertThat(first.exitCode()).as("%s", first).isZero();
        assertThat(second.exitCode()).as("%s", second).isZero();
        assertThat(second.out()).contains("replay: this run sees only its own lessons", "every check passed");
        try (MemoryBank memory = MemoryBank.open(repo.resolve(".munero/munero.db"), java.time.Clock.systemUTC())) {
            assertThat(memory.list(new Filter("project", "lesson", List.of()), 10)).extracting(e -> e.author().run())
                    .containsExactly("20200101-000000");
        }
    }

    @Test
    void theHintsAfterARunWorkFromTheUsersDirectory() throws Exception { // issue 11.9
        // given the user stands in the repository's parent directory
        copyExample();

        // when
        Cli.Result run = Cli.run(tmp, environment(Map.of()), "run", "-C", "run-calc", "--spec", "run-calc/SPEC.md",
                "--replay", SESSION.toString());

        // then every printed command and path works from there
        assertThat(run.exitCode()).as("%s", run).isZero();
        String next = run.out().lines().filter(l -> l.startsWith("next: ")).findFirst().orElseThrow();
        String report = run.out().lines().filter(l -> l.startsWith("report: ")).findFirst().orElseThrow();
        String id = JSON.readTree(Files.readString(tmp.resolve(report.substring("report: ".length()))))
                .path("run").asString();
        assertThat(next).isEqualTo("next: git -C run-calc diff HEAD munero/" + id + ", then git -C run-calc merge munero/"
                + id + "; munero report -C run-calc " + id);
        assertThat(git(tmp, "-C", "run-calc", "diff", "HEAD", "munero/" + id)).contains("+        return a + b;");
        Cli.Result shown = Cli.run(tmp, environment(Map.of()), "report", "-C", "run-calc", id);
        assertThat(shown.exitCode()).as("%s", shown).isZero();
        // a mistyped id's hint works from here too
        Cli.Result missing = Cli.run(tmp, environment(Map.of()), "cost", "-C", "run-calc", "nosuch");
        Path repo = tmp.resolve("run-calc").toAbsolutePath();
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("there is no run nosuch in " + repo + "; see munero sessions list -C " + repo);
        Cli.Result list = Cli.run(tmp, environment(Map.of()), "sessions", "list", "-C", repo.toString());
        assertThat(list.out()).contains(id);
    }

    @Test
    void theDemoCommandRunsTheMainJobInAFreshRepositoryEachTime() throws Exception { // issue 11.12
        Map<String, String> env = environment(Map.of("MUNERO_HOME", EXAMPLE.getParent().getParent().toString()));

        Cli.Result first = Cli.run(tmp, env, "demo", "--dir", "demos");
        Cli.Result second = Cli.run(tmp, env, "demo", "--dir", "demos");

        assertThat(first.exitCode()).as("%s", first).isZero();
        assertThat(second.exitCode()).as("%s", second).isZero();
        assertThat(first.out()).contains("demo: copied examples/run-calc to demos/run-calc and committed it",
                "every check passed in iteration 2", "next: git -C demos/run-calc diff HEAD munero/",
                "demo: the demo repository is " + tmp.resolve("demos/run-calc"));
        assertThat(second.out()).contains("to demos/run-calc-2 ", "every check passed in iteration 2");
        // the copy is a real repository whose checkout is untouched and whose result branch holds the fix
        assertThat(Files.readString(tmp.resolve("demos/run-calc/src/calc/Calc.java"))).contains("return a - b;");
        assertThat(git(tmp.resolve("demos/run-calc"), "log", "--format=%s", "--all")).contains("munero: iteration 2");
    }

    @Test
    void theDemoCommandWithoutACheckoutSaysHowToRunIt() { // issue 11.12
        Cli.Result demo = Cli.run(tmp, environment(Map.of()), "demo");

        assertThat(demo.exitCode()).isEqualTo(2);
        assertThat(demo.err()).contains("run it as ./munero demo from the checkout");
    }

    @Test
    void sessionsCleanupTakesTheReadmesMaxAgeInDays() throws Exception { // issue 11.8
        Path repo = copyExample();
        assertThat(Cli.run(repo, environment(Map.of()), "run", "--spec", "SPEC.md", "--replay", SESSION.toString())
                .exitCode()).isZero();

        Cli.Result cleanup = Cli.run(repo, environment(Map.of()), "sessions", "cleanup", "--max-age", "7d");

        assertThat(cleanup.exitCode()).as("%s", cleanup).isZero();
        assertThat(cleanup.out()).contains("no run is idle for more than 7d");
    }

    /** Re-records {@code examples/run-calc.session.jsonl}; runs only with {@code -Dmunero.recordDemo=true}. */
    @Test
    @EnabledIfSystemProperty(named = "munero.recordDemo", matches = "true")
    void recordTheDemoRun() throws Exception {
        Path repo = copyExample();
        Files.deleteIfExists(SESSION);
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            server.expect(RequestCheck.offersTool("submit_plan"), Reply.toolCall("toolu_plan", "submit_plan", PLAN)
                            .usage(1420, 380).cacheTokens(0, 0))
                    .expect(RequestCheck.lastUserMessageContains("Your task (id fix-add)"), Reply.message(
                            new Reply.Text("add returns a - b; changing it to a + b."),
                            new Reply.ToolCall("toolu_fix_1", "edit_file", "{\"path\":\"src/calc/Calc.java\","
                                    + "\"old_string\":\"return a - b;\",\"new_string\":\"return a + b;\"}"))
                            .usage(60, 95).cacheTokens(2310, 0))
                    .expect(RequestCheck.hasToolResult("toolu_fix_1", "replaced 1"), Reply.toolCall("toolu_fix_2",
                            "finish", "{\"summary\":\"Calc.add now returns a + b.\"}").usage(12, 40).cacheTokens(150, 2310))
                    .expect(RequestCheck.lastUserMessageContains("Your task (id add-multiply)"), Reply.message(
                            new Reply.Text("Adding multiply; a long result avoids int overflow."),
                            new Reply.ToolCall("toolu_mul_1", "edit_file", "{\"path\":\"src/calc/Calc.java\","
                                    + "\"old_string\":\"        return a + b;\\n    }\\n\",\"new_string\":\"        "
                                    + "return a + b;\\n    }\\n\\n    public static long multiply(int a, int b) {\\n"
                                    + "        return (long) a * b;\\n    }\\n\"}"))
                            .usage(60, 160).cacheTokens(2320, 0))
                    .expect(RequestCheck.hasToolResult("toolu_mul_1", "replaced 1"), Reply.toolCall("toolu_mul_2",
                            "finish", "{\"summary\":\"Added Calc.multiply, returning long so that large products do "
                                    + "not overflow.\"}").usage(12, 45).cacheTokens(210, 2320))
                    .expect(RequestCheck.offersTool("submit_reflection"), Reply.toolCall("toolu_reflect",
                            "submit_reflection", REFLECTION).usage(2050, 420).cacheTokens(0, 0))
                    .expect(RequestCheck.lastUserMessageContains("must return int"), Reply.message(
                            new Reply.Text("Making multiply return int, as the spec says."),
                            new Reply.ToolCall("toolu_mul_3", "edit_file", "{\"path\":\"src/calc/Calc.java\","
                                    + "\"old_string\":\"public static long multiply(int a, int b) {\\n        return "
                                    + "(long) a * b;\",\"new_string\":\"public static int multiply(int a, int b) {\\n"
                                    + "        return a * b;\"}"))
                            .usage(60, 120).cacheTokens(2480, 0))
                    .expect(RequestCheck.hasToolResult("toolu_mul_3", "replaced 1"), Reply.toolCall("toolu_mul_4",
                            "finish", "{\"summary\":\"Calc.multiply returns int.\"}").usage(12, 35)
                            .cacheTokens(190, 2480));

            Map<String, String> env = environment(Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL",
                    server.baseUrl()));
            Cli.Result run = Cli.run(repo, env, "run", "--spec", "SPEC.md", "--model", "anthropic:claude-sonnet-4-6",
                    "--record", SESSION.toString());

            assertThat(run.exitCode()).as("%s", run).isZero();
            assertThat(server.failures()).isEmpty();
        }
    }

    /** The example copied to a temp dir and committed as a fresh git repository, as the README does. */
    private Path copyExample() throws IOException, InterruptedException {
        return dev.munero.core.ExampleRepos.runCalc(tmp.resolve("run-calc"));
    }

    private static Path onlyRunReport(Path repo) throws IOException {
        try (Stream<Path> reports = Files.list(repo.resolve(".munero/reports"))) {
            List<Path> runs = reports.filter(p -> p.getFileName().toString().startsWith("run-")).toList();
            assertThat(runs).hasSize(1);
            return runs.getFirst();
        }
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("HOME", System.getProperty("user.home"));
        env.put("MUNERO_CONFIG", "/nonexistent/munero/config.toml");
        env.put("CI", "true");
        return env;
    }
}
