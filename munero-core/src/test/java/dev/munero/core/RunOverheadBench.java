package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static dev.munero.core.RunFixture.write;

import dev.munero.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Not a test: measures what Munero adds per iteration outside model calls, with a zero-latency scripted model
 * and a trivial check ({@code true}). Each sample is a whole two-iteration run (plan, a task, checks that fail,
 * a reflection, the task again, checks that pass) in a fresh git repository; it prints the median wall time per
 * iteration without the check processes, the JVM's peak heap, and the event log's size per iteration.
 * Run: {@code java -cp <test classpath> dev.munero.core.RunOverheadBench [samples]}.
 */
public final class RunOverheadBench {
    private RunOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        List<Double> perIteration = new ArrayList<>();
        List<Long> bytesPerIteration = new ArrayList<>();
        List<Integer> eventsPerIteration = new ArrayList<>();
        for (int i = 0; i < samples + 3; i++) {
            Path dir = Files.createTempDirectory("munero-bench");
            RunFixture fx = new RunFixture(dir);
            String plan = "{\"summary\":\"s\",\"tasks\":[{\"id\":\"greet\",\"description\":\"Write greeting.txt\","
                    + "\"files\":[\"greeting.txt\"],\"depends_on\":[]}],\"checks\":[{\"name\":\"greeting\","
                    + "\"run\":\"grep -q 'hello world' greeting.txt\"}]}";
            RoleScriptedModel model = new RoleScriptedModel().plan(plan)
                    .task("greet", "write_file", write("greeting.txt", "hello\\n"), "finish", finish("wrote"))
                    .reflect("{\"analysis\":\"a\",\"lessons\":[{\"check\":\"greeting\",\"what_failed\":\"w\","
                            + "\"why\":\"y\",\"fix\":\"f\",\"files\":[\"greeting.txt\"]}],\"tasks\":[{\"id\":\"greet\","
                            + "\"description\":\"Write hello world\",\"files\":[\"greeting.txt\"],\"depends_on\":[]}]}")
                    .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("ok"));
            try (Store store = fx.store()) {
                BuildManager.Outcome o = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                        RunFixture.limits(1, OptionalDouble.empty()), fx.session(model));
                if (o.status() != BuildManager.Status.COMPLETED) {
                    throw new IllegalStateException(o.message());
                }
                RunMetrics m = RunMetrics.of(store.events(o.runId(), 0));
                if (i >= 3) { // warm-up
                    perIteration.add((m.wallMillis() - m.checkMillis()) / 2.0);
                    bytesPerIteration.add(m.eventBytes() / 2);
                    eventsPerIteration.add(m.events() / 2);
                }
            }
        }
        perIteration.sort(null);
        bytesPerIteration.sort(null);
        eventsPerIteration.sort(null);
        System.out.printf("samples %d: median %.1f ms per iteration outside model calls and checks (min %.1f, max %.1f); "
                        + "event log %d events, %d bytes per iteration; peak heap %.1f MiB%n", samples,
                perIteration.get(samples / 2), perIteration.getFirst(), perIteration.getLast(),
                eventsPerIteration.get(samples / 2), bytesPerIteration.get(samples / 2),
                BuildManager.peakHeapBytes() / 1048576.0);
    }
}
