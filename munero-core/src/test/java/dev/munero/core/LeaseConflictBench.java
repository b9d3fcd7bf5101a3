package dev.munero.core;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StopReason;
import dev.munero.llm.StreamListener;
import dev.munero.llm.ToolDefinition;
import dev.munero.llm.Usage;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not a test: the merge conflicts per 100 parallel tasks with file leases off and on (issue 14). One run per seed
 * and mode, on a fresh git repository with a pool of files: the plan has {@code tasks} tasks, each planning 1 or 2
 * files of the pool (seeded random); each task's scripted agent overwrites its planned files, and a fraction of
 * the tasks also one file of the pool it did not plan; then it finishes. Follow-up tasks of merge conflicts
 * ({@code <task>-merge}) overwrite the files their prompt names. Leases off, two tasks editing one file at once
 * conflict at the merge; leases on, a task waits for the holder of a planned file, and a write to a held unplanned
 * file is refused. The model answers at once after {@code latencyMs} (the agent's "thinking"); checks are
 * {@code true}.
 *
 * <p>Prints one line per run and a summary per mode. Run with {@code bench/leases.sh} (the test class path):
 * {@code LeaseConflictBench [seeds] [tasks] [agents] [files] [unplannedPercent] [latencyMs]}.
 */
public final class LeaseConflictBench {
    private static final Pattern TASK = Pattern.compile("Your task \\(id ([a-z0-9-]+)\\)");
    private static final Pattern FILES = Pattern.compile("Files it likely touches: ([^\\n]*)");

    private LeaseConflictBench() {
    }

    /** What one run measured. */
    private record Result(int planned, int tasksRun, int conflicts, int waits, int refused, double seconds) { }

    public static void main(String[] args) throws Exception {
        int seeds = arg(args, 0, 5);
        int tasks = arg(args, 1, 100);
        int agents = arg(args, 2, 4);
        int files = arg(args, 3, 40);
        int unplannedPercent = arg(args, 4, 20);
        int latencyMs = arg(args, 5, 20);
        System.out.printf("%d tasks, --agents %d, %d files, %d%% of tasks also write an unplanned file, model latency "
                + "%d ms, seeds 1..%d%n", tasks, agents, files, unplannedPercent, latencyMs, seeds);
        Map<Boolean, List<Result>> results = new HashMap<>();
        for (int seed = 1; seed <= seeds; seed++) {
            for (boolean leases : new boolean[] {false, true}) {
                Result r = run(seed, leases, tasks, agents, files, unplannedPercent, latencyMs);
                results.computeIfAbsent(leases, k -> new ArrayList<>()).add(r);
                System.out.printf("seed %d leases %-3s: %3d merge conflicts per %d tasks (%d tasks run with follow-ups), "
                                + "%d lease waits, %d writes refused, %.1f s%n", seed, leases ? "on" : "off",
                        r.conflicts(), r.planned(), r.tasksRun(), r.waits(), r.refused(), r.seconds());
            }
        }
        for (boolean leases : new boolean[] {false, true}) {
            List<Result> rs = results.get(leases);
            System.out.printf("leases %-3s: mean %.1f merge conflicts per 100 tasks (min %d, max %d), %.1f lease waits, "
                            + "%.1f refused writes, %.1f s per run%n", leases ? "on" : "off",
                    rs.stream().mapToDouble(r -> 100.0 * r.conflicts() / r.planned()).average().orElse(0),
                    rs.stream().mapToInt(Result::conflicts).min().orElse(0),
                    rs.stream().mapToInt(Result::conflicts).max().orElse(0),
                    rs.stream().mapToInt(Result::waits).average().orElse(0),
                    rs.stream().mapToInt(Result::refused).average().orElse(0),
                    rs.stream().mapToDouble(Result::seconds).average().orElse(0));
        }
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    private static Result run(int seed, boolean leases, int tasks, int agents, int files, int unplannedPercent,
                              int latencyMs) throws Exception {
        Path dir = Files.createTempDirectory("munero-lease-bench");
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo);
        for (int f = 0; f < files; f++) {
            Files.writeString(repo.resolve(file(f)), "original " + f + "\n", StandardCharsets.UTF_8);
        }
        RunFixture.git(repo, "init", "-q", "-b", "main");
        RunFixture.git(repo, "add", "-A");
        RunFixture.git(repo, "-c", "user.name=Bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", "pool");
        RunFixture fx = RunFixture.existing(repo);

        Random random = new Random(seed);
        StringBuilder plan = new StringBuilder("{\"summary\":\"edit the pool\",\"tasks\":[");
        Map<String, String> unplanned = new HashMap<>();
        for (int t = 0; t < tasks; t++) {
            int first = random.nextInt(files);
            List<String> planned = new ArrayList<>(List.of(file(first)));
            if (random.nextBoolean()) {
                int second = random.nextInt(files);
                if (second != first) {
                    planned.add(file(second));
                }
            }
            String id = "t" + t;
            if (random.nextInt(100) < unplannedPercent) {
                int other = random.nextInt(files);
                if (!planned.contains(file(other))) {
                    unplanned.put(id, file(other));
                }
            }
            plan.append(t == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\",\"description\":\"Edit ")
                    .append(String.join(" and ", planned)).append("\",\"files\":[")
                    .append(String.join(",", planned.stream().map(f -> "\"" + f + "\"").toList()))
                    .append("],\"depends_on\":[]}");
        }
        plan.append("],\"checks\":[{\"name\":\"ok\",\"run\":\"true\"}]}");

        BenchModel model = new BenchModel(plan.toString(), unplanned, latencyMs);
        RunLimits limits = new RunLimits(OptionalDouble.empty(), Duration.ofHours(1), 1, agents, 10, 1000,
                PermissionMode.AUTO_EDIT, List.of(), leases, RunLimits.DEFAULT_REVIEW_ROUNDS);
        long start = System.nanoTime();
        try (Store store = fx.store()) {
            BuildManager.Outcome o = BuildManager.start(store, repo, "Edit the pool of files.", "SPEC.md", limits,
                    fx.session(model));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (o.status() != BuildManager.Status.COMPLETED) {
                throw new IllegalStateException("seed " + seed + " leases " + leases + ": " + o.message());
            }
            List<StoredEvent> events = store.events(o.runId(), 0);
            return new Result(tasks, count(events, "task_finished", null), count(events, "merge_conflict", null),
                    count(events, "lease_conflict", "wait"), count(events, "lease_conflict", "refused"), seconds);
        }
    }

    private static int count(List<StoredEvent> events, String type, String action) {
        return (int) events.stream().filter(e -> e.type().equals(type)
                && (action == null || e.payload().path("action").asString().equals(action))).count();
    }

    private static String file(int n) {
        return String.format("f%02d.txt", n);
    }

    /**
     * Answers the planner with the plan, and each task's agent with one write_file per turn (its files, from the
     * prompt, then its unplanned file if it has one), then finish. Thread-safe (stateless per request).
     */
    private static final class BenchModel implements ChatModel {
        private static final ModelRef MODEL = ModelRef.parse("anthropic:claude-sonnet-4-6");
        private final String plan;
        private final Map<String, String> unplanned;
        private final int latencyMs;

        BenchModel(String plan, Map<String, String> unplanned, int latencyMs) {
            this.plan = plan;
            this.unplanned = unplanned;
            this.latencyMs = latencyMs;
        }

        @Override
        public ModelRef model() {
            return MODEL;
        }

        @Override
        public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
            Thread.sleep(latencyMs);
            ContentBlock.ToolCall call;
            if (request.tools().stream().map(ToolDefinition::name).anyMatch("submit_plan"::equals)) {
                call = new ContentBlock.ToolCall("toolu_plan", "submit_plan", plan);
            } else {
                String prompt = request.messages().getFirst().text();
                Matcher id = TASK.matcher(prompt);
                Matcher named = FILES.matcher(prompt);
                if (!id.find() || !named.find()) {
                    throw new AssertionError("not a task's request: " + prompt);
                }
                List<String> writes = new ArrayList<>(List.of(named.group(1).split(", ")));
                String extra = unplanned.get(id.group(1));
                if (extra != null) {
                    writes.add(extra);
                }
                int turn = (int) request.messages().stream().filter(m -> m.role() == Message.Role.ASSISTANT).count();
                call = turn < writes.size()
                        ? new ContentBlock.ToolCall("toolu_" + turn, "write_file", "{\"path\":\"" + writes.get(turn)
                        + "\",\"content\":\"" + id.group(1) + " was here\\n\"}")
                        : new ContentBlock.ToolCall("toolu_" + turn, "finish", "{\"summary\":\"done\"}");
            }
            return new ChatResponse(new Message(Message.Role.ASSISTANT, List.of(call)), StopReason.TOOL_USE,
                    new Usage(100, 10, 0, 0), MODEL.model(), "msg");
        }
    }
}
