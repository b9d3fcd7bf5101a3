package dev.munero.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.llm.Usage;
import dev.munero.llm.pricing.ModelTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The stream parsers on streams recorded from the real CLIs (Claude Code 2.1.197 and Codex 0.171.0, each run against a
 * scripted local API server) and on a hand-written Gemini CLI stream (from the event emitter of gemini-cli 0.61.0),
 * with the failure modes of issue 15 mixed in.
 */
class StreamParsersTest {

    static List<String> recording(String name) throws IOException {
        try (InputStream in = StreamParsersTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    record Parsed(StreamState state, List<WorkerEvent> events) {
        <T extends WorkerEvent> List<T> of(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    static Parsed parse(CliDialect dialect, List<String> lines, String model) {
        StreamState state = new StreamState(dialect.parser(), ModelTable.builtIn(), dialect.pricingProvider(),
                Optional.ofNullable(model));
        List<WorkerEvent> events = new ArrayList<>();
        lines.forEach(line -> state.line(line, events::add));
        return new Parsed(state, events);
    }

    @Test
    void claudeCodeRecordedStreamMapsSessionToolsTextUsageAndTheReportedCost() throws IOException {
        Parsed p = parse(new ClaudeCode(), recording("claude-code-2.1.197-write-file.jsonl"), null);

        assertThat(p.of(WorkerEvent.SessionStarted.class)).singleElement().satisfies(s -> {
            assertThat(s.sessionId()).isEqualTo("11111111-2222-3333-4444-555555555555");
            assertThat(s.model()).isEqualTo("claude-sonnet-4-6");
        });
        assertThat(p.of(WorkerEvent.ToolUse.class)).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("Write");
            assertThat(t.inputJson()).contains("hello.txt");
        });
        assertThat(p.of(WorkerEvent.ToolResult.class)).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("toolu_1");
            assertThat(r.name()).isEqualTo("Write");
            assertThat(r.error()).isFalse();
            assertThat(r.output()).startsWith("File created successfully");
        });
        assertThat(p.of(WorkerEvent.AssistantText.class)).extracting(WorkerEvent.AssistantText::text)
                .containsExactly("Done: wrote hello.txt");
        assertThat(p.state().verdict).isEqualTo(StreamState.Final.SUCCESS);
        assertThat(p.state().turns).isEqualTo(2);
        assertThat(p.state().usage).isEqualTo(new Usage(200, 40, 0, 0));
        assertThat(p.state().costSource()).isEqualTo(CostSource.REPORTED);
        assertThat(p.state().costUsd().getAsDouble()).isEqualTo(0.0012, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(p.state().summary).isEqualTo("Done: wrote hello.txt");
        assertThat(p.state().malformed).isZero();
    }

    @Test
    void claudeCodeUsageIsCountedOncePerMessageWhenBlocksArriveAsSeparateEvents() {
        String block = "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_9\",\"content\":[{\"type\":\"%s\"%s}],"
                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":5,\"cache_creation_input_tokens\":3,"
                + "\"cache_read_input_tokens\":7}}}";
        Parsed p = parse(new ClaudeCode(), List.of(
                block.formatted("text", ",\"text\":\"reading\""),
                block.formatted("tool_use", ",\"id\":\"t1\",\"name\":\"Read\",\"input\":{}")), "claude-sonnet-4-6");

        assertThat(p.state().usage).isEqualTo(new Usage(10, 5, 3, 7));
        assertThat(p.state().turns).isEqualTo(1);
        assertThat(p.state().costSource()).isEqualTo(CostSource.PRICED); // no result yet: priced with the table
    }

    @Test
    void unknownEventTypesAndMalformedLinesAreNotedAndSkippedNeverFatal() throws IOException { // issue 15
        List<String> lines = new ArrayList<>(recording("claude-code-2.1.197-write-file.jsonl"));
        lines.add(1, "{\"type\":\"rate_limit_event\",\"limit\":5}");
        lines.add(2, "{\"type\":\"system\",\"subtype\":\"compact_boundary\"}");
        lines.add(3, "this is not json {");
        lines.add(4, "[1,2,3]");
        lines.add(5, "{\"type\":\"assistant\",\"message\":{\"content\":\"a string where blocks belong\"}}");
        lines.add(6, "");
        Parsed p = parse(new ClaudeCode(), lines, null);

        assertThat(p.state().verdict).isEqualTo(StreamState.Final.SUCCESS);
        assertThat(p.state().malformed).isEqualTo(2);
        assertThat(p.of(WorkerEvent.Note.class)).extracting(WorkerEvent.Note::text)
                .anySatisfy(t -> assertThat(t).contains("unknown event type \"rate_limit_event\""))
                .anySatisfy(t -> assertThat(t).contains("system/compact_boundary"))
                .anySatisfy(t -> assertThat(t).contains("line 4 is not JSON"))
                .anySatisfy(t -> assertThat(t).contains("line 5 is not an event"));
        assertThat(p.of(WorkerEvent.ToolUse.class)).hasSize(1);
    }

    @Test
    void aClaudeCodeStreamCutBeforeResultHasNoVerdictButKeepsWhatItSaw() throws IOException { // issue 15, #39700
        List<String> lines = recording("claude-code-2.1.197-write-file.jsonl");
        Parsed p = parse(new ClaudeCode(), lines.subList(0, lines.size() - 1), "claude-sonnet-4-6");

        assertThat(p.state().verdict).isEqualTo(StreamState.Final.NONE);
        assertThat(p.state().sessionId).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(p.state().usage).isEqualTo(new Usage(200, 40, 0, 0));
        assertThat(p.state().costSource()).isEqualTo(CostSource.PRICED);
        assertThat(p.state().costUsd()).isPresent();
    }

    @Test
    void claudeCodeErrorAndLimitResultsAreTheirVerdicts() {
        Parsed limit = parse(new ClaudeCode(), List.of("{\"type\":\"result\",\"subtype\":\"error_max_budget_usd\","
                + "\"is_error\":true,\"total_cost_usd\":0.5,\"num_turns\":3,\"session_id\":\"s\"}"), null);
        Parsed error = parse(new ClaudeCode(), List.of("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,"
                + "\"api_error_status\":401,\"result\":\"Invalid API key\",\"session_id\":\"s\"}"), null);

        assertThat(limit.state().verdict).isEqualTo(StreamState.Final.LIMIT);
        assertThat(limit.state().verdictDetail).contains("error_max_budget_usd");
        assertThat(error.state().verdict).isEqualTo(StreamState.Final.ERROR);
        assertThat(error.state().verdictDetail).contains("API status 401").contains("Invalid API key");
    }

    @Test
    void codexRecordedStreamMapsCommandExecutionsMessagesAndPricesTheUsage() throws IOException {
        Parsed p = parse(new Codex(), recording("codex-0.171.0-exec-command.jsonl"), "gpt-5.6-luna");

        assertThat(p.state().sessionId).isEqualTo("01a21983-5404-7000-9862-c0d88b180bed");
        assertThat(p.of(WorkerEvent.ToolUse.class)).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("command_execution");
            assertThat(t.inputJson()).contains("echo hi > hello.txt");
        });
        assertThat(p.of(WorkerEvent.ToolResult.class)).singleElement().satisfies(r -> {
            assertThat(r.error()).isTrue(); // exit code 1 in that recording (Codex's own sandbox could not start)
            assertThat(r.output()).contains("codex-linux-sandbox");
        });
        assertThat(p.state().verdict).isEqualTo(StreamState.Final.SUCCESS);
        assertThat(p.state().usage).isEqualTo(new Usage(180, 40, 0, 20));
        assertThat(p.state().summary).isEqualTo("Done: wrote hello.txt");
        assertThat(p.state().turns).isEqualTo(1);
        assertThat(p.state().costSource()).isEqualTo(CostSource.PRICED);
        assertThat(p.of(WorkerEvent.Note.class)).extracting(WorkerEvent.Note::text)
                .anySatisfy(t -> assertThat(t).contains("Model metadata"));
    }

    @Test
    void codexUsageOfAnUnknownModelIsUnpricedAndSaysWhy() throws IOException {
        Parsed p = parse(new Codex(), recording("codex-0.171.0-exec-command.jsonl"), "gpt-5.1-codex");

        assertThat(p.state().costSource()).isEqualTo(CostSource.UNPRICED);
        assertThat(p.state().costUsd()).isEmpty();
        assertThat(p.state().unpricedReason()).contains("openai:gpt-5.1-codex").contains("models.toml");
    }

    @Test
    void codexFailedTurnIsAnErrorVerdictAndTopLevelErrorsAreOnlyNotices() {
        Parsed p = parse(new Codex(), List.of("{\"type\":\"thread.started\",\"thread_id\":\"t\"}",
                "{\"type\":\"turn.started\"}",
                "{\"type\":\"error\",\"message\":\"Reconnecting... 2/5\"}",
                "{\"type\":\"item.started\",\"item\":{\"id\":\"i\",\"type\":\"brand_new_item\"}}",
                "{\"type\":\"turn.failed\",\"error\":{\"message\":\"stream disconnected\"}}"), null);

        assertThat(p.state().verdict).isEqualTo(StreamState.Final.ERROR);
        assertThat(p.state().verdictDetail).contains("stream disconnected");
        assertThat(p.of(WorkerEvent.Note.class)).extracting(WorkerEvent.Note::text)
                .anySatisfy(t -> assertThat(t).contains("Reconnecting"))
                .anySatisfy(t -> assertThat(t).contains("brand_new_item"));
    }

    @Test
    void geminiStreamJoinsTextDeltasMapsToolsAndReadsTheStats() throws IOException {
        Parsed p = parse(new Gemini(), recording("gemini-0.61.0-handwritten.jsonl"), null);

        assertThat(p.state().sessionId).isEqualTo("5f1c0b1e-8a4e-4c1a-9d61-0a0b0c0d0e0f");
        assertThat(p.of(WorkerEvent.ToolUse.class)).extracting(WorkerEvent.ToolUse::name)
                .containsExactly("write_file", "run_shell_command");
        assertThat(p.of(WorkerEvent.ToolResult.class)).extracting(WorkerEvent.ToolResult::error)
                .containsExactly(false, true);
        assertThat(p.of(WorkerEvent.ToolResult.class).get(1).output()).contains("No such file");
        assertThat(p.state().summary).isEqualTo("Done: wrote hello.txt");
        assertThat(p.state().turns).isEqualTo(2);
        assertThat(p.state().verdict).isEqualTo(StreamState.Final.SUCCESS);
        assertThat(p.state().usage).isEqualTo(new Usage(1000, 100, 0, 200));
        assertThat(p.state().costSource()).isEqualTo(CostSource.UNPRICED);
    }

    @Test
    void theSpendOfAKilledTaskIsReadBackFromItsKeptStream(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException { // issue 15: a resumed task counts what its killed part cost
        List<String> lines = recording("claude-code-2.1.197-write-file.jsonl");
        java.nio.file.Path kept = dir.resolve("stdout.jsonl");
        java.nio.file.Files.write(kept, lines.subList(0, 4)); // killed before its result

        WorkerResult r = Workers.readBack("claude-code", kept, Optional.of("anthropic:claude-sonnet-4-6"),
                ModelTable.builtIn());

        assertThat(r.outcome()).isEqualTo(WorkerOutcome.CRASHED);
        assertThat(r.sessionId()).contains("11111111-2222-3333-4444-555555555555");
        assertThat(r.usage()).isEqualTo(new Usage(200, 40, 0, 0));
        assertThat(r.costSource()).isEqualTo(CostSource.PRICED);
        assertThat(r.costUsd().getAsDouble()).isEqualTo(0.0012, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void claudeCodePartialMessagesGiveEachCallsFinalUsageBeforeTheResult() throws IOException { // issue 15
        // recorded from Claude Code 2.1.197 with --include-partial-messages against the strict fake: two calls,
        // usage (1200 in, 40 out, 300 cache write) and (1300 in, 20 out, 300 cache read)
        List<String> lines = recording("claude-code-2.1.197-partial-messages.jsonl");
        Usage first = new Usage(1200, 40, 300, 0);
        Usage second = new Usage(1300, 20, 0, 300);

        Parsed whole = parse(new ClaudeCode(), lines, null);
        Parsed firstEnded = parse(new ClaudeCode(), upTo(lines, "\"output_tokens\":40}"), "claude-sonnet-4-6");
        Parsed secondStarted = parse(new ClaudeCode(), upTo(lines, "\"id\":\"msg_fake_2\""), "claude-sonnet-4-6");
        Parsed beforeResult = parse(new ClaudeCode(), lines.subList(0, lines.size() - 1), "claude-sonnet-4-6");

        assertThat(whole.state().verdict).isEqualTo(StreamState.Final.SUCCESS);
        assertThat(whole.state().usage).isEqualTo(first.plus(second));
        assertThat(whole.state().turns).isEqualTo(2);
        assertThat(whole.of(WorkerEvent.Note.class)).extracting(WorkerEvent.Note::text)
                .noneSatisfy(t -> assertThat(t).contains("stream_event"));
        // the assistant event carries the start's usage (1 output token); the message_delta after it the final 40
        assertThat(firstEnded.state().usage).isEqualTo(first);
        // a call cut off mid-response counts what it streamed: its message_start (input, cache, 1 output token)
        assertThat(secondStarted.state().usage).isEqualTo(first.plus(new Usage(1300, 1, 0, 300)));
        assertThat(beforeResult.state().usage).isEqualTo(whole.state().usage);
        assertThat(beforeResult.state().costUsd().getAsDouble()).isCloseTo(whole.state().costUsd().getAsDouble(),
                org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void claudeCodeSubagentMessagesAreCountedApartFromTheMainOnes() { // issue 15: parent_tool_use_id
        String start = "{\"type\":\"stream_event\",\"parent_tool_use_id\":%s,\"event\":{\"type\":\"message_start\","
                + "\"message\":{\"id\":\"%s\",\"usage\":{\"input_tokens\":%d,\"output_tokens\":1}}}}";
        String delta = "{\"type\":\"stream_event\",\"parent_tool_use_id\":%s,\"event\":{\"type\":\"message_delta\","
                + "\"usage\":{\"output_tokens\":%d}}}";
        Parsed p = parse(new ClaudeCode(), List.of(String.format(start, "null", "m1", 100),
                String.format(start, "\"toolu_task\"", "s1", 50), String.format(delta, "\"toolu_task\"", 7),
                String.format(delta, "null", 30), "{\"type\":\"stream_event\",\"event\":{\"type\":\"new_kind\"}}"),
                null);

        assertThat(p.state().usage).isEqualTo(new Usage(150, 37, 0, 0));
        assertThat(p.of(WorkerEvent.Note.class)).extracting(WorkerEvent.Note::text)
                .anySatisfy(t -> assertThat(t).contains("stream_event \"new_kind\""));
    }

    @Test
    void theKeptStreamOfAKilledClaudeCodeCountsEveryCallItShowed(@org.junit.jupiter.api.io.TempDir
                                                                 java.nio.file.Path dir) throws IOException {
        // issue 15: Munero killed while the second call streams; the first call counts its final output tokens
        List<String> lines = recording("claude-code-2.1.197-partial-messages.jsonl");
        java.nio.file.Path kept = dir.resolve("stdout.jsonl");
        java.nio.file.Files.write(kept, upTo(lines, "\"id\":\"msg_fake_2\""));

        WorkerResult r = Workers.readBack("claude-code", kept, Optional.of("anthropic:claude-sonnet-4-6"),
                ModelTable.builtIn());

        assertThat(r.usage()).isEqualTo(new Usage(2500, 41, 300, 300));
        assertThat(r.costSource()).isEqualTo(CostSource.PRICED);
        assertThat(r.costUsd().getAsDouble()).isCloseTo(ModelTable.builtIn().lookup(dev.munero.llm.ModelRef.parse(
                "anthropic:claude-sonnet-4-6")).cost(new Usage(2500, 41, 300, 300)).getAsDouble(),
                org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aCodexStreamKilledMidTurnCountsTheTurnFromCodexsSessionLog(@org.junit.jupiter.api.io.TempDir
                                                                   java.nio.file.Path dir) throws IOException {
        // issue 15: recorded from Codex 0.171.0 against the strict Responses fake (two calls: 900 + 100 cached input,
        // 30 output; 1000 + 200 cached, 10 output); codex exec is one turn, whose usage the stream reports only in
        // turn.completed. The session log (rollout-*.jsonl) is trimmed to the events Munero reads.
        List<String> stream = recording("codex-0.171.0-exec-command-2.jsonl");
        List<String> log = recording("codex-0.171.0-rollout-trimmed.jsonl");
        java.nio.file.Path kept = dir.resolve("stdout.jsonl");
        java.nio.file.Files.write(kept, stream.subList(0, stream.size() - 1)); // killed before turn.completed
        java.nio.file.Path home = dir.resolve("home");
        java.nio.file.Path sessions = home.resolve(".codex/sessions/2026/11/26");
        java.nio.file.Files.createDirectories(sessions);
        java.nio.file.Path rollout = sessions.resolve("rollout-2026-11-26T23-40-45-01a21a3b-a365-7f02-802f-d6d389045881"
                + ".jsonl");
        ModelTable prices = ModelTable.builtIn();

        java.nio.file.Files.write(rollout, log.subList(0, 2)); // the turn's first call logged, then the kill
        WorkerResult firstCall = Workers.readBack("codex", kept, Optional.of(home), Optional.empty(), prices);
        java.nio.file.Files.write(rollout, log.subList(0, 3));
        WorkerResult bothCalls = Workers.readBack("codex", kept, Optional.of(home), Optional.empty(), prices);
        java.nio.file.Files.write(rollout, log);
        WorkerResult completedTurn = Workers.readBack("codex", kept, Optional.of(home), Optional.empty(), prices);
        WorkerResult streamOnly = Workers.readBack("codex", kept, Optional.empty(), Optional.empty(), prices);
        WorkerResult whole = Workers.readBack("codex", write(dir.resolve("whole.jsonl"), stream), Optional.of(home),
                Optional.empty(), prices);

        assertThat(firstCall.usage()).isEqualTo(new Usage(900, 30, 0, 100));
        assertThat(firstCall.detail()).contains("counted from Codex's session log");
        assertThat(bothCalls.usage()).isEqualTo(new Usage(1900, 40, 0, 300));
        assertThat(completedTurn.usage()).as("Codex completed the turn after Munero stopped reading its stream")
                .isEqualTo(new Usage(1900, 40, 0, 300));
        assertThat(streamOnly.usage()).isEqualTo(Usage.ZERO);
        assertThat(whole.usage()).isEqualTo(new Usage(1900, 40, 0, 300));
        assertThat(whole.detail()).doesNotContain("session log");
    }

    private static java.nio.file.Path write(java.nio.file.Path file, List<String> lines) throws IOException {
        return java.nio.file.Files.write(file, lines);
    }

    /** The lines up to and including the first that contains {@code text}. */
    private static List<String> upTo(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return lines.subList(0, i + 1);
            }
        }
        throw new AssertionError("no line contains " + text);
    }

    @Test
    void exitCodeTimesFinalEventGivesTheOutcome() { // issue 15
        var none = java.util.OptionalInt.empty();
        assertThat(Outcomes.classify(java.util.OptionalInt.of(0), Outcomes.Kill.NONE, StreamState.Final.SUCCESS))
                .isEqualTo(WorkerOutcome.FINISHED);
        assertThat(Outcomes.classify(none, Outcomes.Kill.AFTER_FINAL, StreamState.Final.SUCCESS))
                .isEqualTo(WorkerOutcome.FINISHED);
        assertThat(Outcomes.classify(java.util.OptionalInt.of(1), Outcomes.Kill.NONE, StreamState.Final.SUCCESS))
                .isEqualTo(WorkerOutcome.ERROR);
        assertThat(Outcomes.classify(java.util.OptionalInt.of(1), Outcomes.Kill.NONE, StreamState.Final.ERROR))
                .isEqualTo(WorkerOutcome.ERROR);
        assertThat(Outcomes.classify(java.util.OptionalInt.of(0), Outcomes.Kill.NONE, StreamState.Final.LIMIT))
                .isEqualTo(WorkerOutcome.LIMIT);
        assertThat(Outcomes.classify(java.util.OptionalInt.of(0), Outcomes.Kill.NONE, StreamState.Final.NONE))
                .isEqualTo(WorkerOutcome.CRASHED);
        assertThat(Outcomes.classify(java.util.OptionalInt.of(137), Outcomes.Kill.NONE, StreamState.Final.NONE))
                .isEqualTo(WorkerOutcome.CRASHED);
        assertThat(Outcomes.classify(none, Outcomes.Kill.INACTIVITY, StreamState.Final.NONE))
                .isEqualTo(WorkerOutcome.HUNG);
        assertThat(Outcomes.classify(none, Outcomes.Kill.BUDGET, StreamState.Final.NONE))
                .isEqualTo(WorkerOutcome.LIMIT);
        assertThat(Outcomes.classify(none, Outcomes.Kill.TIMEOUT, StreamState.Final.NONE))
                .isEqualTo(WorkerOutcome.LIMIT);
    }
}
