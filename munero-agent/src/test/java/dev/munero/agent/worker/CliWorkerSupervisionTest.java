package dev.munero.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.llm.pricing.ModelTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CliWorker}'s supervision on real child processes: a shell script stands in for the CLI and replays a stream
 * recorded from Claude Code 2.1.197, then misbehaves as users of the CLIs report (issue 15).
 */
class CliWorkerSupervisionTest {
    @TempDir
    Path dir;

    private Path recording() throws IOException {
        Path file = dir.resolve("stream.jsonl");
        Files.write(file, StreamParsersTest.recording("claude-code-2.1.197-write-file.jsonl"));
        return file;
    }

    private Path script(String body) throws IOException {
        Path file = dir.resolve("claude");
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private WorkerTask task(WorkerLimits limits) throws IOException {
        Path ws = Files.createDirectories(dir.resolve("ws"));
        return new WorkerTask("write hello.txt", ws, dir.resolve("home"), dir.resolve("logs"),
                Optional.of("anthropic:claude-sonnet-4-6"), PermissionMode.AUTO_EDIT, Sandbox.none(),
                Map.of("PATH", System.getenv("PATH"), "ANTHROPIC_API_KEY", "test-key"), Optional.empty(),
                Optional.of("11111111-2222-3333-4444-555555555555"), false, limits);
    }

    private static WorkerLimits limits(Duration inactivity, Duration grace) {
        return new WorkerLimits(OptionalDouble.empty(), inactivity, grace, Duration.ofMinutes(10));
    }

    private WorkerResult run(Path exe, WorkerTask task, List<WorkerEvent> events) throws Exception {
        return new CliWorker(new ClaudeCode(), exe, ModelTable.builtIn()).run(task, events::add);
    }

    @Test
    void aProcessThatHangsAfterResultIsKilledWithItsTreeAfterTheGraceAndCountsAsFinished() throws Exception {
        // issue 15, anthropics/claude-code#25629
        Path pid = dir.resolve("child.pid");
        Path exe = script("cat '" + recording() + "'\nsleep 600 &\necho $! > '" + pid + "'\nwait");
        List<WorkerEvent> events = new CopyOnWriteArrayList<>();

        WorkerResult r = run(exe, task(limits(Duration.ofMinutes(5), Duration.ofSeconds(1))), events);

        assertThat(r.outcome()).isEqualTo(WorkerOutcome.FINISHED);
        assertThat(r.detail()).contains("still running").contains("after it and was killed");
        assertThat(r.exitCode()).isEmpty();
        long child = Long.parseLong(Files.readString(pid).strip());
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).as("the sleep child").isFalse();
        assertThat(r.sessionId()).contains("11111111-2222-3333-4444-555555555555");
        assertThat(r.costSource()).isEqualTo(CostSource.REPORTED);
        assertThat(Files.readAllLines(r.stdout().orElseThrow())).hasSize(5);
    }

    @Test
    void aStreamThatStopsWithoutResultAndExitsZeroCrashed() throws Exception { // issue 15, #39700
        List<String> lines = StreamParsersTest.recording("claude-code-2.1.197-write-file.jsonl");
        Path cut = dir.resolve("cut.jsonl");
        Files.write(cut, lines.subList(0, 3));
        Path exe = script("cat '" + cut + "'\nexit 0");

        WorkerResult r = run(exe, task(limits(Duration.ofMinutes(5), Duration.ofSeconds(5))), new CopyOnWriteArrayList<>());

        assertThat(r.outcome()).isEqualTo(WorkerOutcome.CRASHED);
        assertThat(r.detail()).contains("without a final event").contains("exit code 0");
        assertThat(r.exitCode()).hasValue(0);
        assertThat(r.costSource()).isEqualTo(CostSource.PRICED); // the assistant events' usage, priced
    }

    @Test
    void aNonZeroExitWithoutResultCrashedAndQuotesStderr() throws Exception { // issue 15
        Path exe = script("head -n 1 '" + recording() + "'\necho 'fatal: out of memory' >&2\nexit 3");

        WorkerResult r = run(exe, task(limits(Duration.ofMinutes(5), Duration.ofSeconds(5))), new CopyOnWriteArrayList<>());

        assertThat(r.outcome()).isEqualTo(WorkerOutcome.CRASHED);
        assertThat(r.exitCode()).hasValue(3);
        assertThat(r.detail()).contains("exit code 3").contains("fatal: out of memory");
        assertThat(Files.readString(r.stderr().orElseThrow())).contains("out of memory");
    }

    @Test
    void aNonZeroExitWithAnErrorResultIsAnError() throws Exception { // issue 15
        Path stream = dir.resolve("error.jsonl");
        Files.writeString(stream, "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s1\"}\n"
                + "{\"type\":\"result\",\"subtype\":\"error_during_execution\",\"is_error\":true,\"session_id\":\"s1\","
                + "\"num_turns\":1,\"total_cost_usd\":0.01,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}\n");
        Path exe = script("cat '" + stream + "'\nexit 1");

        WorkerResult r = run(exe, task(limits(Duration.ofMinutes(5), Duration.ofSeconds(5))), new CopyOnWriteArrayList<>());

        assertThat(r.outcome()).isEqualTo(WorkerOutcome.ERROR);
        assertThat(r.detail()).contains("error_during_execution").contains("exit code 1");
        assertThat(r.costUsd()).hasValue(0.01);
    }

    @Test
    void silenceLongerThanTheInactivityTimeIsHungAndKillsTheTree() throws Exception { // issue 15, #17248
        Path exe = script("head -n 2 '" + recording() + "'\nsleep 600");
        List<WorkerEvent> events = new CopyOnWriteArrayList<>();

        WorkerResult r = run(exe, task(limits(Duration.ofSeconds(2), Duration.ofSeconds(5))), events);

        assertThat(r.outcome()).isEqualTo(WorkerOutcome.HUNG);
        assertThat(r.detail()).contains("no event for 2 s");
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(WorkerEvent.ToolUse.class));
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(WorkerEvent.Note.class,
                n -> assertThat(n.text()).contains("killing the process tree")));
    }

    @Test
    void aSpendReachingTheBudgetLeftStopsTheWorkerWhileItStreams() throws Exception { // issue 15
        Path stream = dir.resolve("dear.jsonl");
        Files.writeString(stream, "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s1\","
                + "\"model\":\"claude-sonnet-4-6\"}\n{\"type\":\"assistant\",\"message\":{\"id\":\"m1\",\"content\":[],"
                + "\"usage\":{\"input_tokens\":1000000,\"output_tokens\":0}}}\n");
        Path exe = script("cat '" + stream + "'\nsleep 600");
        WorkerLimits limits = new WorkerLimits(OptionalDouble.of(0.50), Duration.ofMinutes(5), Duration.ofSeconds(5),
                Duration.ofMinutes(10));
        WorkerTask task = task(limits);

        WorkerResult r = run(exe, task, new CopyOnWriteArrayList<>());

        assertThat(r.outcome()).isEqualTo(WorkerOutcome.LIMIT);
        assertThat(r.detail()).contains("reached the $0.5000 left");
        assertThat(r.costUsd().getAsDouble()).isGreaterThanOrEqualTo(0.50);
        assertThat(new ClaudeCode().command(exe, task)).containsSequence("--max-budget-usd", "0.5000");
    }

    @Test
    void aMissingKeyIsAnErrorNamingTheVariableAndNothingStarts() throws Exception {
        Path marker = dir.resolve("started");
        Path exe = script("touch '" + marker + "'");
        WorkerTask base = task(limits(Duration.ofMinutes(5), Duration.ofSeconds(5)));
        WorkerTask task = new WorkerTask(base.prompt(), base.workspace(), base.home(), base.logDir(), base.model(),
                base.permissions(), base.sandbox(), Map.of("PATH", System.getenv("PATH")), Optional.empty(),
                Optional.empty(), false, base.limits());

        WorkerResult r = run(exe, task, new CopyOnWriteArrayList<>());

        assertThat(r.outcome()).isEqualTo(WorkerOutcome.ERROR);
        assertThat(r.detail()).contains("ANTHROPIC_API_KEY");
        assertThat(marker).doesNotExist();
    }
}
