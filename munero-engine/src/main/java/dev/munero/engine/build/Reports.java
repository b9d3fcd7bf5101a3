package dev.munero.engine.build;

import dev.munero.engine.AtomicFiles;
import dev.munero.engine.graph.BuildGraph;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Assembles, writes and reads run reports ({@code .munero/reports/}). Thread-safe: stateless. */
public final class Reports {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Reports() {
    }

    static BuildReport build(String runId, Instant startedAt, long durationMillis, String profile, int jobs,
                             List<String> targets, BuildGraph graph, StepResult[] byIndex, List<StepResult> finishedOrder,
                             List<String> verifyMissing, boolean cancelled,
                             dev.munero.engine.cache.remote.RemoteCacheReport remoteCache) {
        int passed = 0, failed = 0, cached = 0, skipped = 0, cancelledSteps = 0, cachedRemote = 0;
        for (StepResult r : finishedOrder) {
            switch (r.status()) {
                case PASSED -> passed++;
                case FAILED -> failed++;
                case CACHED -> {
                    cached++;
                    cachedRemote += r.remoteHit() ? 1 : 0;
                }
                case SKIPPED -> skipped++;
                case CANCELLED -> cancelledSteps++;
            }
        }
        int eligible = passed + failed + cached;
        double hitRate = eligible == 0 ? 0 : (double) cached / eligible;
        // critical path: longest chain by duration through the dependency edges
        int n = graph.size();
        long[] finish = new long[n];
        int[] prev = new int[n];
        int best = -1;
        for (int i = 0; i < n; i++) { // topological order
            long before = 0;
            prev[i] = -1;
            for (int d : graph.dependenciesOf(i)) {
                if (finish[d] > before) {
                    before = finish[d];
                    prev[i] = d;
                }
            }
            finish[i] = before + (byIndex[i] == null ? 0 : byIndex[i].durationMillis());
            if (best < 0 || finish[i] > finish[best]) {
                best = i;
            }
        }
        List<String> path = new ArrayList<>();
        for (int i = best; i >= 0; i = prev[i]) {
            path.add(graph.step(i).name());
        }
        Collections.reverse(path);
        // a step skipped for a failed dependency or a stopped build implies a FAILED or CANCELLED step
        BuildStatus status = cancelled ? BuildStatus.CANCELLED
                : failed > 0 || cancelledSteps > 0 || !verifyMissing.isEmpty() ? BuildStatus.FAILED : BuildStatus.PASSED;
        return new BuildReport(runId, status, startedAt.toString(), durationMillis, profile, jobs, targets, hitRate,
                best < 0 ? 0 : finish[best], path,
                new BuildReport.Counts(finishedOrder.size(), passed, failed, cached, skipped, cancelledSteps, cachedRemote),
                verifyMissing, finishedOrder, remoteCache);
    }

    private static final java.util.regex.Pattern RUN_ID = java.util.regex.Pattern.compile("\\d{8}-\\d{6}-\\d{5}");

    /** Whether {@code id} has the shape of a build id ({@link BuildEngine#newRunId()}), so it is safe in a path. */
    public static boolean isRunId(String id) {
        return id != null && RUN_ID.matcher(id).matches();
    }

    /**
     * Where a build writes a step's output: {@code <stateDir>/logs/<runId>/<step, made file-safe>.log}. A Maven
     * step built together with others writes into the first member's {@code .maven-N.log} instead (its report's
     * {@link StepResult#logFile()} names it).
     */
    public static Path logFile(Path stateDir, String runId, String step) {
        return stateDir.resolve("logs").resolve(runId).resolve(StepWorker.safeName(step) + ".log");
    }

    /** The report as indented JSON. */
    public static String toJson(BuildReport report) {
        return JSON.writeValueAsString(report);
    }

    /**
     * Writes {@code report} to {@code <stateDir>/reports/<runId>.json} and {@code latest.json}, each
     * through a temp file and an atomic rename.
     *
     * @throws IOException when the directory cannot be written
     */
    static void write(Path stateDir, BuildReport report) throws IOException {
        Path dir = stateDir.resolve("reports");
        Files.createDirectories(dir);
        byte[] bytes = JSON.writeValueAsBytes(report);
        AtomicFiles.write(dir.resolve(report.runId() + ".json"), bytes);
        AtomicFiles.write(dir.resolve("latest.json"), bytes);
    }

    /**
     * Reads a report written by a build.
     *
     * @throws IOException when the file cannot be read or parsed
     */
    public static BuildReport read(Path file) throws IOException {
        try {
            return JSON.readValue(file.toFile(), BuildReport.class);
        } catch (tools.jackson.core.JacksonException e) {
            throw new IOException("cannot parse the report " + file + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Keeps the newest {@code keep} reports and per-run log directories (run ids sort by time). */
    static void pruneOld(Path stateDir, int keep) {
        try {
            prune(stateDir.resolve("reports"), keep, true);
            prune(stateDir.resolve("logs"), keep, false);
        } catch (IOException e) {
            // old reports only take space
        }
    }

    private static void prune(Path dir, int keep, boolean files) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> runs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (isRunId(files && name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) && Files.isDirectory(p) != files) {
                    runs.add(p);
                }
            }
        }
        Collections.sort(runs);
        for (int i = 0; i < runs.size() - keep; i++) {
            try (Stream<Path> walk = Files.walk(runs.get(i))) {
                for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
